/**
 * Small utilities shared by primitive rules: finding the backend of
 * concrete inputs, allocating outputs, symbolic-zero-aware tangent
 * arithmetic, and moving batch axes.
 */
import { ShapedArray } from '../aval.js';
import type { Backend } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import { BackendError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { getBackend } from '../registry.js';

/** The backend shared by concrete inputs (the default backend when there are none). */
export function backendOf(op: string, args: readonly DeviceArray[]): Backend {
  const first = args[0];
  if (!first) return getBackend();
  for (const a of args) {
    a.check(op);
    if (a.backend !== first.backend) {
      throw new BackendError(
        `${op}: operands live on different backends ('${first.backend.name}' and '${a.backend.name}'); move one with np.deviceput`,
      );
    }
  }
  return first.backend;
}

/** Allocate a contiguous output for `aval` on `backend`. */
export function allocOut(backend: Backend, aval: ShapedArray): DeviceArray {
  return DeviceArray.empty(backend, aval);
}

/** The backend name a new tensor next to `x` should use. */
export function backendNameOf(x: Tensor): string {
  if (x instanceof DeviceArray) return x.backend.name;
  return getBackend().name;
}

/** Zeros with the shape and dtype of `x` (on the default backend unless `x` is concrete). */
export function zerosLike(x: Tensor): Tensor {
  return fullLike(x, 0);
}

/** A scalar broadcast to `x`'s shape and dtype. */
export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  return lax.full(x.shape, value, dtype, false, backendNameOf(x));
}

/** A scalar of `x`'s dtype (weak when `x` is) broadcast to `x.shape`. */
export function scalarLike(x: Tensor, value: number): Tensor {
  const s = lax.full([], value, x.dtype, x.weakType, backendNameOf(x));
  return lax.broadcastInDim(s, x.shape, []);
}

/** `a + b` where either may be a symbolic zero (`null`). */
export function addTangents(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return lax.add(a, b);
}

/** `t * factor`, keeping symbolic zeros. */
export function scaleTangent(t: Tensor | null, factor: Tensor): Tensor | null {
  return t === null ? null : lax.mul(t, factor);
}

/** Move axis `from` to position `to`. */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** Give `x` a batch axis of `size` at 0: move it there if batched at `dim`, else broadcast. */
export function batchAt0(x: Tensor, dim: number | null, size: number): Tensor {
  if (dim !== null) return moveAxis(x, dim, 0);
  return lax.broadcastInDim(
    x,
    [size, ...x.shape],
    x.shape.map((_, i) => i + 1),
  );
}

/** The aval of a tensor with a new leading axis. */
export function withLeadingAxis(aval: ShapedArray, size: number): ShapedArray {
  return new ShapedArray([size, ...aval.shape], aval.dtype, aval.weakType);
}
