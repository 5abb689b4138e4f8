/**
 * The error types every public function throws. Messages name the op and the
 * offending shapes, dtypes or values, e.g. `matmul: contracting dims differ: [32,784] @ [512,256]`.
 */

/** Base class of every error Tensile throws on purpose. */
export class TensileError extends Error {
  override name = 'TensileError';
}

/** Shapes that do not fit the op (rank, broadcasting, contracting dims…). */
export class ShapeError extends TensileError {
  override name = 'ShapeError';
}

/** A dtype the op does not accept, or dtypes that do not match. */
export class DTypeError extends TensileError {
  override name = 'DTypeError';
}

/** An argument out of range or of the wrong kind (axis, index, option). */
export class ValueError extends TensileError {
  override name = 'ValueError';
}

/** A concrete value was needed from a traced (abstract) tensor, e.g. `item()` under `jit`. */
export class ConcretizationError extends TensileError {
  override name = 'ConcretizationError';
}

/** Use of a tensor after `dispose()`. */
export class DisposedError extends TensileError {
  override name = 'DisposedError';
}

/** Backend missing, not registered, or lacking a required capability. */
export class BackendError extends TensileError {
  override name = 'BackendError';
}

/** A NaN appeared while `debugNans` is on; the message names the primitive that produced it. */
export class NanError extends TensileError {
  override name = 'NanError';
}

/** Format a shape for messages: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
