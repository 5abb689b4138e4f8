import { describe, expect, it } from 'vitest';
import { choiceOption, intOption, numberOption, parseOptions, UsageError } from '../src/args.js';

describe('option parsing', () => {
  const spec = {
    epochs: { type: 'string' },
    lr: { type: 'string' },
    resume: { type: 'boolean' },
  } as const;

  it('parses strictly', () => {
    const { values } = parseOptions(['--epochs', '3', '--lr=1e-3', '--resume'], spec);
    expect(intOption(values, 'epochs', { min: 1 })).toBe(3);
    expect(numberOption(values, 'lr', { above: 0 })).toBe(0.001);
    expect(values.resume).toBe(true);
    expect(() => parseOptions(['--nope'], spec)).toThrow(UsageError);
    expect(() => parseOptions(['stray'], spec)).toThrow(/unexpected argument 'stray'|positional/);
  });

  it('names the option and what it accepts', () => {
    expect(() => intOption({ epochs: '1.5' }, 'epochs', { min: 1 })).toThrow(
      "--epochs must be an integer ≥ 1, got '1.5'",
    );
    expect(() => numberOption({ lr: '-1' }, 'lr', { above: 0 })).toThrow(
      "--lr must be a number > 0, got '-1'",
    );
    expect(() => numberOption({ lr: 'abc' }, 'lr', { above: 0 })).toThrow(/got 'abc'/);
    expect(() => choiceOption({ model: 'x' }, 'model', ['lstm', 'gru'])).toThrow(
      "--model must be one of lstm, gru, got 'x'",
    );
    expect(intOption({}, 'epochs')).toBeUndefined();
    expect(intOption({ limit: '1_000' }, 'limit')).toBe(1000);
  });
});
