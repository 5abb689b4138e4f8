/**
 * Vectorising map: the batch trace carries each value with the axis its
 * batch lives on (`null` when the value is the same for every example), and
 * each primitive's `vmap` rule says how to compute on the whole batch at once.
 */
import { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import { bind, fullRaise, Trace, Tracer, withMainTrace } from '../core/trace.js';
import { ValueError } from '../errors.js';
import { moveAxis } from '../primitives/helpers.js';
import type { Params, Primitive } from '../primitives/spec.js';
import { vmapRules } from '../primitives/table.js';

/** A batched value: `value` has the batch at axis `batchDim` (or no batch axis when `null`). */
export class BatchTracer extends Tracer {
  constructor(
    trace: Trace,
    readonly value: Tensor,
    readonly batchDim: number | null,
  ) {
    super(trace);
  }
  get aval(): ShapedArray {
    if (this.batchDim === null) return this.value.aval;
    const shape = this.value.shape.filter((_, i) => i !== this.batchDim);
    return new ShapedArray(shape, this.value.dtype, this.value.weakType);
  }
  override scopeParts(): readonly Tensor[] {
    return [this.value];
  }
  data(): Promise<never> {
    return this.value.data() as Promise<never>;
  }
  dataSync(): never {
    return this.value.dataSync() as never;
  }
}

class BatchTrace extends Trace {
  get axisSize(): number {
    return this.main.globalData as number;
  }

  pure(x: Tensor): Tensor {
    return new BatchTracer(this, x, null);
  }

  processPrimitive<P extends Primitive>(
    primitive: P,
    tracers: Tensor[],
    params: Params<P>,
  ): Tensor[] {
    const values = tracers.map((t) => (t as BatchTracer).value);
    const dims = tracers.map((t) => (t as BatchTracer).batchDim);
    if (dims.every((d) => d === null)) return bind(primitive, values, params);
    const [outs, outDims] = vmapRules[primitive](values, dims, params, this.axisSize);
    return outs.map((o, i) => new BatchTracer(this, o, outDims[i] ?? null));
  }
}

/**
 * vmap of a flat function: `inDims[i]` is the batch axis of `args[i]` (`null`: not batched),
 * `outDims[i]` where to put the batch axis of output `i` (`null`: the output must be unbatched).
 */
export function vmapFlat(
  fn: (...args: Tensor[]) => Tensor[],
  axisSize: number,
  args: readonly Tensor[],
  inDims: readonly (number | null)[],
  outDims: readonly (number | null)[] | ((numOuts: number) => (number | null)[]),
): Tensor[] {
  return withMainTrace(
    (main) => new BatchTrace(main),
    axisSize,
    (main) => {
      const inTracers = args.map((a, i) => {
        const d = inDims[i] ?? null;
        return d === null ? a : new BatchTracer(main.trace, a, d);
      });
      const outs = fn(...inTracers).map((o) => fullRaise(main.trace, o) as BatchTracer);
      const wanted = typeof outDims === 'function' ? outDims(outs.length) : outDims;
      return outs.map((o, i) => {
        const rawWant = wanted[i] ?? null;
        const outRank = o.batchDim === null ? o.value.ndim + 1 : o.value.ndim;
        const want = rawWant !== null && rawWant < 0 ? rawWant + outRank : rawWant;
        if (o.batchDim === null) {
          if (want === null) return o.value;
          return moveAxis(broadcastBatch(o.value, axisSize), 0, want);
        }
        if (want === null) {
          throw new ValueError(
            `vmap: output ${i} depends on the mapped axis but outAxes gives null for it`,
          );
        }
        return moveAxis(o.value, o.batchDim, want);
      });
    },
  );
}

function broadcastBatch(x: Tensor, axisSize: number): Tensor {
  return bind('broadcastInDim', [x], {
    shape: [axisSize, ...x.shape],
    broadcastDimensions: x.shape.map((_, i) => i + 1),
  })[0] as Tensor;
}
