/**
 * Abstract values: what a tracer knows about a tensor without its data —
 * shape, dtype and whether the dtype is weak (came from a JS number).
 * `abstractEval` rules compute these; `jit` caches on them.
 */
import type { DType } from './dtype.js';
import { fmtShape } from './errors.js';
import { type Shape, sizeOf } from './shape.js';

/** Shape + dtype (+ weak type) of a tensor, as JAX's `ShapedArray`. */
export class ShapedArray {
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    readonly weakType = false,
  ) {}

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /** Same shape and dtype (weak type included). */
  equals(other: ShapedArray): boolean {
    return (
      this.dtype === other.dtype &&
      this.weakType === other.weakType &&
      this.shape.length === other.shape.length &&
      this.shape.every((d, i) => d === other.shape[i])
    );
  }

  /** A copy with some fields replaced. */
  with(fields: { shape?: Shape; dtype?: DType; weakType?: boolean }): ShapedArray {
    return new ShapedArray(
      fields.shape ?? this.shape,
      fields.dtype ?? this.dtype,
      fields.weakType ?? this.weakType,
    );
  }

  /** `f32[2,3]`, with a `~` for weak types: `~f32[]`. */
  toString(): string {
    const short = { float32: 'f32', float16: 'f16', int32: 'i32', uint32: 'u32', bool: 'bool' }[
      this.dtype
    ];
    return `${this.weakType ? '~' : ''}${short}${fmtShape(this.shape)}`;
  }
}
