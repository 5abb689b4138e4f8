/**
 * `scope(fn)`: free every tensor created inside `fn` except those it returns.
 * The usual way to bound memory in an eager loop.
 */
import { Tensor } from '../core/tensor.js';
import { TensileError } from '../errors.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { leaves } from '../tree/pytree.js';

/**
 * Run `fn` and dispose every tensor it created that is not part of its (pytree) result.
 *
 * @example
 * const loss = scope(() => lossFn(params, batch));  // intermediates freed
 */
export function scope<T>(fn: () => T): T {
  const frame = openScope();
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new TensileError('scope: the callback must be synchronous (it returned a Promise)');
    }
    return result;
  } finally {
    const keep = leaves(result).filter((l): l is Tensor => l instanceof Tensor);
    closeScope(frame, keep as Disposable[]);
  }
}
