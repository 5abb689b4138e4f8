/**
 * Dense Jacobians and Hessians: `jacrev` maps the pullback over a basis of
 * output cotangents, `jacfwd` maps the JVP over a basis of input tangents
 * (both with `vmap`), and `hessian` is `jacfwd(jacrev(f))`.
 */
import type { Tensor } from '../core/tensor.js';
import { ShapeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { backendNameOf } from '../primitives/helpers.js';
import { sizeOf } from '../shape.js';
import { leafToTensor } from './flat-args.js';
import { jvp } from './forward.js';
import { vjp } from './grad.js';
import { vmap } from './vmap-api.js';

/** Options of `jacfwd`/`jacrev`/`hessian`. */
export interface JacobianOptions {
  /** Which argument to differentiate (default 0); a list returns a list of Jacobians. */
  argnums?: number | readonly number[];
}

/** `[n, ...shape]` identity basis: row `i` is the i-th unit tensor of `shape`. */
function basis(like: Tensor): Tensor {
  const n = sizeOf(like.shape);
  const backend = backendNameOf(like);
  const eye = lax.convertElementType(
    lax.eq(lax.iota([n, n], 'int32', 0, backend), lax.iota([n, n], 'int32', 1, backend)),
    like.dtype,
  );
  return lax.reshape(eye, [n, ...like.shape]);
}

function argList(argnums: JacobianOptions['argnums']): number[] {
  return argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...argnums];
}

function withArg(args: unknown[], i: number, x: unknown): unknown[] {
  const copy = [...args];
  copy[i] = x;
  return copy;
}

/**
 * Build a Jacobian function: for each differentiated argument `i`, `one(f_i, x_i)` computes the
 * Jacobian of `f_i = x ↦ fn(…args with x at i…)` at `x_i`; intermediates are freed.
 */
function jacobianOf(
  op: string,
  fn: (...args: never[]) => Tensor,
  options: JacobianOptions,
  one: (f: (x: Tensor) => Tensor, x: Tensor) => Tensor,
): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const frame = openScope();
    const jacs = argList(options.argnums).map((i) => {
      const x = leafToTensor(op, args[i]);
      return one((xi: Tensor) => (fn as (...a: unknown[]) => Tensor)(...withArg(args, i, xi)), x);
    });
    closeScope(frame, jacs as Disposable[]);
    return typeof options.argnums === 'object' ? jacs : jacs[0];
  };
}

/**
 * Jacobian by reverse mode: shape `out.shape + arg.shape`. Efficient when outputs are few.
 *
 * @example
 * const J = jacrev((x) => x.sin())(np.array([0, 1]));  // diag(cos x)
 */
export function jacrev(
  fn: (...args: never[]) => Tensor,
  options: JacobianOptions = {},
): (...args: unknown[]) => unknown {
  return jacobianOf('jacrev', fn, options, (f, x) => {
    const [y, pullback] = vjp(f, x);
    if (typeof y !== 'object' || y === null || !('shape' in y)) {
      throw new ShapeError('jacrev: f must return one tensor');
    }
    const rows = vmap((ct: Tensor) => pullback(ct)[0])(basis(y));
    pullback.dispose();
    return lax.reshape(rows, [...y.shape, ...x.shape]);
  });
}

/**
 * Jacobian by forward mode: shape `out.shape + arg.shape`. Efficient when inputs are few.
 *
 * @example
 * const J = jacfwd((x) => x.mul(x))(np.array([1, 2]));  // diag(2x)
 */
export function jacfwd(
  fn: (...args: never[]) => Tensor,
  options: JacobianOptions = {},
): (...args: unknown[]) => unknown {
  return jacobianOf('jacfwd', fn, options, (f, x) => {
    const cols = vmap((t: Tensor) => jvp(f as (...a: never[]) => Tensor, [x], [t])[1])(
      basis(x),
    ) as Tensor;
    // cols: [n_x, ...out] → out + x.shape
    const outRank = cols.ndim - 1;
    const moved = lax.transpose(cols, [...Array.from({ length: outRank }, (_, k) => k + 1), 0]);
    return lax.reshape(moved, [...moved.shape.slice(0, outRank), ...x.shape]);
  });
}

/**
 * Hessian of a scalar function: `jacfwd(jacrev(f))`, shape `arg.shape + arg.shape`.
 *
 * @example
 * const H = hessian((x) => x.mul(x).sum())(np.array([1, 2]));  // 2·I
 */
export function hessian(
  fn: (...args: never[]) => Tensor,
  options: JacobianOptions = {},
): (...args: unknown[]) => unknown {
  return jacfwd(jacrev(fn, options) as (...args: never[]) => Tensor, options);
}
