/**
 * Command-line parsing on top of `node:util` `parseArgs`: every option arrives as a string and is
 * converted and checked here, so a bad value is a `UsageError` that names the option and what it
 * accepts (printed with the command's usage, exit status 2) instead of a NaN deep in training.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A mistake on the command line: printed with the usage text; exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The option table of a command: every option is a string or a boolean flag. */
export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; default?: string | boolean }
>;

/** Parsed option values by name. */
export type OptionValues = Record<string, string | boolean | undefined>;

/**
 * Parse `argv` against `options`, strictly (unknown options and stray positionals are errors).
 *
 * @example
 * const values = parseOptions(['--epochs', '2'], { epochs: { type: 'string', default: '1' } });
 */
export function parseOptions(
  argv: readonly string[],
  options: OptionSpec,
  positionals = 0,
): { values: OptionValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: options as ParseArgsConfig['options'],
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (parsed.positionals.length > positionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'`);
    }
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs' own errors (ERR_PARSE_ARGS_*) are usage errors with readable messages.
    throw new UsageError((error as Error).message);
  }
}

function text(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * An integer option in `[min, max]`, or `undefined` when absent and without default.
 *
 * @example
 * intOption(values, 'epochs', { min: 1 })  // 3 for --epochs 3
 */
export function intOption(
  values: OptionValues,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw.replaceAll('_', ''));
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    const bounds =
      range.max === undefined ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${name} must be ${bounds}, got '${raw}'`);
  }
  return value;
}

/** `intOption` that must be present (it has a default in the option table). */
export function requiredInt(
  values: OptionValues,
  name: string,
  range: { min?: number; max?: number } = {},
): number {
  const value = intOption(values, name, range);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/**
 * A finite number option in `(exclusiveMin, max]`.
 *
 * @example
 * numberOption(values, 'lr', { above: 0 })  // 0.001 for --lr 1e-3
 */
export function numberOption(
  values: OptionValues,
  name: string,
  range: { above?: number; atLeast?: number; max?: number } = {},
): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    (range.above === undefined || value > range.above) &&
    (range.atLeast === undefined || value >= range.atLeast) &&
    (range.max === undefined || value <= range.max);
  if (!ok) {
    const parts = [
      range.above === undefined ? undefined : `> ${range.above}`,
      range.atLeast === undefined ? undefined : `≥ ${range.atLeast}`,
      range.max === undefined ? undefined : `≤ ${range.max}`,
    ].filter((p) => p !== undefined);
    throw new UsageError(
      `--${name} must be a number${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}, got '${raw}'`,
    );
  }
  return value;
}

/**
 * A choice among fixed strings.
 *
 * @example
 * choiceOption(values, 'model', ['cnn', 'mlp', 'resnet20'])  // 'cnn'
 */
export function choiceOption<const C extends string>(
  values: OptionValues,
  name: string,
  choices: readonly C[],
): C {
  const raw = text(values, name);
  if (raw === undefined || !(choices as readonly string[]).includes(raw)) {
    throw new UsageError(
      `--${name} must be one of ${choices.join(', ')}${raw === undefined ? '' : `, got '${raw}'`}`,
    );
  }
  return raw as C;
}

/** A string option (or `undefined`). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  return text(values, name);
}

/** A boolean flag. */
export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** The options every training command shares. */
export const commonTrainOptions = {
  backend: { type: 'string', default: 'auto' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string', default: '0' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpec;
