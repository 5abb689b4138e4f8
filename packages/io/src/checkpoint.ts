/**
 * Checkpoints as bytes (browser-safe; `@tensile/io/node` adds atomic files): parameters, optimizer
 * state, step and user metadata in ONE safetensors file.
 *
 * Layout: pytree paths prefixed `params.` and `opt_state.` (see `flattenWithPaths`), each tensor
 * stored as its own dtype; `__metadata__` holds `tensile.checkpoint` = `"1"` (format version),
 * `tensile.step` = the step as JSON and `tensile.metadata` = the user metadata as compact JSON.
 * Any safetensors reader can open the file; `decodeCheckpoint` verifies it completely — header,
 * offsets, the format version, step, names, shapes and dtypes against the templates — before it
 * creates the first tensor, and throws a `CheckpointError` naming the file and the problem.
 */
import { TensileError, type Tensor, tree } from '@tensile/core';
import { encodeSafetensors } from './encode.js';
import { CheckpointError } from './errors.js';
import {
  messagePrefix,
  parseHeader,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './header.js';
import { assertLittleEndianHost } from './internal/conversions.js';
import { type LoadOptions, materialize, planLoad } from './internal/load-plan.js';
import { summarize, type TensorSpec, templateProblems } from './internal/template-match.js';
import { type NamedLeaves, nameLeaves } from './internal/tree-paths.js';
import { flattenWithPaths } from './pytree-paths.js';

/**
 * The checkpoint format version this package writes and reads (`tensile.checkpoint` in `__metadata__`).
 *
 * @example
 * readSafetensorsHeader(bytes).metadata?.['tensile.checkpoint'] === CHECKPOINT_FORMAT_VERSION
 */
export const CHECKPOINT_FORMAT_VERSION = '1';

/** What a checkpoint holds. */
export interface CheckpointContents<P = unknown, O = unknown> {
  /** Model parameters (any pytree of tensors). */
  readonly params: P;
  /** Optimizer state (any pytree of tensors); omit when there is none. */
  readonly optState?: O;
  /** Training step: a non-negative integer. */
  readonly step: number;
  /** Anything JSON can hold (learning rate, config, data position…); default `{}`. */
  readonly metadata?: unknown;
}

/** What `decodeCheckpoint`/`loadCheckpoint` return. */
export interface LoadedCheckpoint<P, O> {
  readonly params: P;
  /** The optimizer state, or `undefined` when no `optState` template was given. */
  readonly optState: O;
  readonly step: number;
  readonly metadata: unknown;
}

/** The templates a checkpoint is checked against and rebuilt from. */
export interface CheckpointTemplates<P, O> {
  /** A pytree with the parameters' structure, shapes and dtypes (tensors or `ShapedArray`s). */
  readonly params: P;
  /** Same for the optimizer state; omit it to load parameters only (its tensors are skipped). */
  readonly optState?: O;
}

/** Options of `decodeCheckpoint`. */
export interface DecodeCheckpointOptions extends LoadOptions {
  /** Name of the file the bytes came from, used in error messages. */
  readonly source?: string;
}

const KEY_VERSION = 'tensile.checkpoint';
const KEY_STEP = 'tensile.step';
const KEY_METADATA = 'tensile.metadata';

/**
 * Serialize a checkpoint to safetensors bytes.
 *
 * @example
 * const bytes = await encodeCheckpoint({ params, optState, step: 100, metadata: { lr: 1e-3 } });
 */
export async function encodeCheckpoint(contents: CheckpointContents): Promise<Uint8Array> {
  return encodeCheckpointAs('encodeCheckpoint', contents);
}

/**
 * `encodeCheckpoint` with the caller's name in messages (errors become `CheckpointError`s).
 *
 * @example
 * const bytes = await encodeCheckpointAs('saveCheckpoint', { params, step });
 */
export async function encodeCheckpointAs(
  who: string,
  contents: CheckpointContents,
): Promise<Uint8Array> {
  try {
    const metadata = checkpointMetadata(contents, who);
    const tensors: Record<string, Tensor> = {
      ...flattenWithPaths(contents.params, { prefix: 'params' }),
      ...flattenWithPaths(contents.optState, { prefix: 'opt_state' }),
    };
    return await encodeSafetensors(tensors, metadata);
  } catch (error) {
    if (error instanceof CheckpointError || !(error instanceof TensileError)) throw error;
    throw new CheckpointError(error.message.replace(/^\w+: /, `${who}: `), { cause: error });
  }
}

/** The `__metadata__` map of a checkpoint; validates step and metadata. */
function checkpointMetadata(contents: CheckpointContents, who: string): Record<string, string> {
  const { step, metadata = {} } = contents;
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new CheckpointError(`${who}: step must be a non-negative integer, got ${String(step)}`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new CheckpointError(
      `${who}: metadata is not JSON-serializable (${(error as Error).message})`,
    );
  }
  if (json === undefined) {
    throw new CheckpointError(`${who}: metadata is not JSON-serializable (got ${typeof metadata})`);
  }
  return {
    [KEY_VERSION]: CHECKPOINT_FORMAT_VERSION,
    [KEY_STEP]: JSON.stringify(step),
    [KEY_METADATA]: json,
  };
}

/**
 * Verify and load a checkpoint from bytes. Throws `CheckpointError` (and creates no tensor) when the
 * bytes are not a valid safetensors file, not a Tensile checkpoint, or do not match the templates.
 *
 * @example
 * const { params, optState, step } = decodeCheckpoint(bytes, { params: initParams, optState: optimizer.init(initParams) });
 */
export function decodeCheckpoint<P, O = undefined>(
  bytes: Uint8Array,
  templates: CheckpointTemplates<P, O>,
  options: DecodeCheckpointOptions = {},
): LoadedCheckpoint<P, O> {
  return decodeCheckpointAs('decodeCheckpoint', bytes, templates, options);
}

/**
 * `decodeCheckpoint` with the caller's name in messages.
 *
 * @example
 * decodeCheckpointAs('loadCheckpoint', bytes, { params }, { source: path });
 */
export function decodeCheckpointAs<P, O>(
  who: string,
  bytes: Uint8Array,
  templates: CheckpointTemplates<P, O>,
  options: DecodeCheckpointOptions,
): LoadedCheckpoint<P, O> {
  const at = messagePrefix(who, options.source);
  try {
    assertLittleEndianHost(who);
    const header = parseHeader(bytes, who, options.source);
    const { step, metadata } = readCheckpointMetadata(header, at);

    const params = nameLeaves(templates.params, 'params', who);
    const optState =
      templates.optState === undefined
        ? undefined
        : nameLeaves(templates.optState, 'opt_state', who);
    const expected = new Map<string, TensorSpec>();
    for (const named of [params, optState]) {
      named?.names.forEach((name, i) => {
        if (name !== undefined) expected.set(name, named.leaves[i] as TensorSpec);
      });
    }
    // Without an optState template the optimizer state is not wanted: its tensors are skipped.
    const skipped = (name: string) =>
      optState === undefined && (name === 'opt_state' || name.startsWith('opt_state.'));
    const present = Object.keys(header.tensors).filter((name) => !skipped(name));
    const plan = planLoad(
      header,
      present.filter((name) => expected.has(name)),
      options,
      at,
    );
    const actual = new Map<string, TensorSpec>(
      present.map((name) => {
        const info = header.tensors[name] as SafetensorsTensorInfo;
        return [name, { shape: info.shape, dtype: plan.get(name)?.dtype ?? info.dtype }];
      }),
    );
    const problems = templateProblems(expected, actual);
    if (problems.length > 0) {
      throw new CheckpointError(
        `${at}the checkpoint does not fit the templates: ${summarize(problems)}`,
      );
    }

    const tensors = materialize(bytes, header, plan, options, at);
    const rebuild = (named: NamedLeaves) =>
      tree.unflatten(
        named.def,
        named.leaves.map((leaf, i) => {
          const name = named.names[i];
          return name === undefined ? leaf : tensors.get(name);
        }),
      );
    return {
      params: rebuild(params) as P,
      optState: (optState === undefined ? undefined : rebuild(optState)) as O,
      step,
      metadata,
    };
  } catch (error) {
    if (error instanceof CheckpointError || !(error instanceof TensileError)) throw error;
    const detail = error.message.startsWith(at)
      ? error.message.slice(at.length)
      : error.message.replace(/^\w+: /, '');
    throw new CheckpointError(`${at}${detail}`, { cause: error });
  }
}

/** Step and user metadata from `__metadata__`, refusing files that are not Tensile checkpoints. */
function readCheckpointMetadata(
  header: SafetensorsHeader,
  at: string,
): { step: number; metadata: unknown } {
  const meta = header.metadata ?? {};
  const version = meta[KEY_VERSION];
  if (version === undefined) {
    throw new CheckpointError(
      `${at}not a Tensile checkpoint (no '${KEY_VERSION}' in __metadata__)`,
    );
  }
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${at}checkpoint format version ${JSON.stringify(version)} is not supported (this version reads '${CHECKPOINT_FORMAT_VERSION}')`,
    );
  }
  const step = parseJson(meta[KEY_STEP], KEY_STEP, at);
  if (!Number.isSafeInteger(step) || (step as number) < 0) {
    throw new CheckpointError(
      `${at}'${KEY_STEP}' must be a non-negative integer, got ${meta[KEY_STEP]}`,
    );
  }
  return { step: step as number, metadata: parseJson(meta[KEY_METADATA], KEY_METADATA, at) };
}

function parseJson(text: string | undefined, key: string, at: string): unknown {
  if (text === undefined) throw new CheckpointError(`${at}'${key}' is missing from __metadata__`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${at}'${key}' is not valid JSON (${(error as Error).message})`);
  }
}
