/**
 * The sequence runner behind `rnn`, `lstm` and `gru`: PyTorch's multi-layer, optionally
 * bidirectional recurrence over `lax.scan`, with padded batches.
 *
 * Per layer and direction the input projection is one matrix product over all time steps; the
 * scan then only does the hidden-state part. Layer `l > 0` reads the previous layer's outputs
 * (both directions concatenated), with dropout between layers in training mode as PyTorch.
 *
 * Padding: with `lengths` (or a boolean `mask`), steps at or after a sequence's length leave its
 * state unchanged and output zeros, so the final state is the state at its last valid step and
 * the reverse direction starts at that step — exactly what PyTorch computes for packed sequences.
 */
import {
  DTypeError,
  isInteger,
  lax,
  np,
  random,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
} from '@tensile/core';
import { checkInput, positiveInt, probability } from './config.js';
import { type CellParams, projectInput } from './recurrent-cell.js';

/** Options of `init` shared by the sequence layers (PyTorch's `RNN`/`LSTM`/`GRU` arguments). */
export interface SequenceConfig {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn biases (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[B, T, ·]` instead of `[T, B, ·]` (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second, reversed recurrence per layer and concatenate (default false). */
  bidirectional?: boolean;
}

/** The static configuration stored on a sequence layer. */
export interface SequenceStatics {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
}

/** Options of the sequence layers' `apply`. */
export interface SequenceOptions<State> {
  /** Initial state(s), `[numLayers·directions, B, H]` each (unbatched: `[numLayers·directions, H]`); zeros by default. */
  initialState?: State;
  /** Valid length of each sequence, int `[B]`: later steps are padding. */
  lengths?: Tensor;
  /** Valid steps as booleans, `[B, T]` with `batchFirst`, else `[T, B]` (unbatched: `[T]`). */
  mask?: Tensor;
  /** PRNG key for inter-layer dropout in training. */
  key?: Tensor;
  /** Training mode (inter-layer dropout); default false. */
  train?: boolean;
}

/** How a cell kind steps: from the projected input and the carry (`[h]` or `[h, c]`). */
export type CellStep<C> = (cell: C, xp: Tensor, carry: readonly Tensor[]) => Tensor[];

/** Validate a sequence config and return its statics and each cell's input size. */
export function sequenceStatics(
  op: string,
  config: SequenceConfig,
): { statics: SequenceStatics; cellInputs: number[] } {
  const inputSize = positiveInt(op, 'inputSize', config.inputSize);
  const hiddenSize = positiveInt(op, 'hiddenSize', config.hiddenSize);
  const numLayers = positiveInt(op, 'numLayers', config.numLayers ?? 1);
  const bidirectional = config.bidirectional ?? false;
  const directions = bidirectional ? 2 : 1;
  const cellInputs = Array.from({ length: numLayers * directions }, (_, i) =>
    i < directions ? inputSize : hiddenSize * directions,
  );
  return {
    statics: {
      inputSize,
      hiddenSize,
      numLayers,
      batchFirst: config.batchFirst ?? false,
      dropout: probability(op, 'dropout', config.dropout ?? 0),
      bidirectional,
    },
    cellInputs,
  };
}

/** Split `key` into one key per cell (for initialisation). */
export function cellKeys(key: Tensor, n: number): Tensor[] {
  return [...random.split(key, n)];
}

/** The valid-step mask as `[T, B, 1]` booleans, or `undefined`. */
function stepMask(
  op: string,
  options: SequenceOptions<unknown>,
  steps: number,
  batch: number,
  batchFirst: boolean,
  batched: boolean,
): Tensor | undefined {
  const { lengths, mask } = options;
  if (lengths && mask) throw new ValueError(`${op}: pass lengths or mask, not both`);
  if (lengths) {
    if (!isInteger(lengths.dtype)) {
      throw new DTypeError(`${op}: lengths must be integers, got ${lengths.dtype}`);
    }
    const expected = batched ? [batch] : [];
    if (lengths.shape.join() !== expected.join()) {
      throw new ShapeError(
        `${op}: lengths must have shape [${expected.join(', ')}], got [${lengths.shape.join(', ')}]`,
      );
    }
    return np
      .arange(steps)
      .reshape([steps, 1])
      .lt(lengths.reshape([1, batched ? batch : 1]))
      .expandDims(-1);
  }
  if (mask) {
    const expected = batched ? (batchFirst ? [batch, steps] : [steps, batch]) : [steps];
    if (mask.shape.join() !== expected.join()) {
      throw new ShapeError(
        `${op}: mask must have shape [${expected.join(', ')}], got [${mask.shape.join(', ')}]`,
      );
    }
    const m = mask.astype('bool');
    const timeMajor = batched ? (batchFirst ? m.T : m) : m.reshape([steps, 1]);
    return timeMajor.expandDims(-1);
  }
  return undefined;
}

/**
 * Run the stacked recurrence. `initial` holds the initial carry slots (`[h]` or `[h, c]`, each
 * `[L·D, B, H]`, or unbatched `[L·D, H]`); returns the outputs and the final carry slots.
 */
export function runSequence<C extends CellParams>(
  op: string,
  m: SequenceStatics & { cells: readonly C[] },
  step: CellStep<C>,
  numSlots: number,
  x: Tensor,
  initial: readonly Tensor[] | undefined,
  options: SequenceOptions<unknown>,
): [Tensor, Tensor[]] {
  checkInput(op, x, [2, 3], { axis: -1, size: m.inputSize, what: 'input features' });
  const batched = x.ndim === 3;
  const directions = m.bidirectional ? 2 : 1;
  const stateShape = batched
    ? [m.numLayers * directions, x.shape[m.batchFirst ? 0 : 1] as number, m.hiddenSize]
    : [m.numLayers * directions, m.hiddenSize];
  if (initial) {
    if (initial.length !== numSlots) {
      throw new ValueError(
        `${op}: initialState needs ${numSlots} tensor(s), got ${initial.length}`,
      );
    }
    for (const s of initial) {
      if (s.shape.join() !== stateShape.join()) {
        throw new ShapeError(
          `${op}: initial state must have shape [${stateShape.join(', ')}], got [${s.shape.join(', ')}]`,
        );
      }
    }
  }
  const train = options.train ?? false;
  if (train && m.dropout > 0 && m.numLayers > 1 && !options.key) {
    throw new ValueError(`${op}: inter-layer dropout in training needs a PRNG key`);
  }
  return scope(() => {
    // Time-major with a batch axis: [T, B, I].
    const xs = batched ? (m.batchFirst ? x.swapaxes(0, 1) : x) : x.expandDims(1);
    const [steps, batch] = xs.shape as [number, number];
    const mask = stepMask(op, options, steps, batch, m.batchFirst, batched);
    const slots = Array.from({ length: numSlots }, (_, s) =>
      initial
        ? batched
          ? (initial[s] as Tensor)
          : (initial[s] as Tensor).expandDims(1)
        : np.zeros([m.numLayers * directions, batch, m.hiddenSize], { dtype: x.dtype }),
    );
    const finals: Tensor[][] = [];
    let layerInput = xs;
    for (let layer = 0; layer < m.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < directions; d++) {
        const index = layer * directions + d;
        const cell = m.cells[index] as C;
        const projected = projectInput(cell, layerInput);
        const init = slots.map((s) => s.take(index, { axis: 0 }));
        const [final, ys] = lax.scan(
          (carry: Tensor[], inp: { xp: Tensor; valid?: Tensor }): [Tensor[], Tensor] => {
            const next = step(cell, inp.xp, carry);
            if (!inp.valid) return [next, next[0] as Tensor];
            const valid = inp.valid;
            return [
              next.map((n, i) => np.where(valid, n, carry[i] as Tensor)),
              np.where(valid, next[0] as Tensor, 0),
            ];
          },
          init,
          mask ? { xp: projected, valid: mask } : { xp: projected },
          { reverse: d === 1 },
        );
        outputs.push(ys);
        finals.push(final);
      }
      layerInput =
        directions === 2 ? np.concatenate(outputs, { axis: -1 }) : (outputs[0] as Tensor);
      if (train && m.dropout > 0 && layer < m.numLayers - 1) {
        const keep = random.bernoulli(
          random.foldIn(options.key as Tensor, layer),
          1 - m.dropout,
          layerInput.shape,
        );
        layerInput = np.where(keep, layerInput.div(1 - m.dropout), 0);
      }
    }
    const finalSlots = Array.from({ length: numSlots }, (_, s) => {
      const stacked = np.stack(
        finals.map((f) => f[s] as Tensor),
        { axis: 0 },
      );
      return batched ? stacked : stacked.squeeze(1);
    });
    const output = batched
      ? m.batchFirst
        ? layerInput.swapaxes(0, 1)
        : layerInput
      : layerInput.squeeze(1);
    return [output, finalSlots];
  });
}
