/**
 * Composite `np`/`nn` functions bind several primitives; in eager mode each
 * one leaves a concrete intermediate tensor behind. `freeIntermediates` runs
 * such a body in a private memory scope so only its results survive — users
 * never see (or leak) the temporaries. While tracing, tracers cost nothing
 * and concrete values created inside become constants the trace owns, so the
 * body runs unscoped.
 */
import { Tensor } from '../core/tensor.js';
import { isTracing } from '../core/trace.js';
import { closeScope, type Disposable, openScope } from '../memory.js';

/**
 * Run `body` and dispose every tensor it created except the ones it returns.
 *
 * @example
 * const y = freeIntermediates(() => lax.add(lax.mul(x, x), x));  // x*x is freed
 */
export function freeIntermediates<T extends Tensor | readonly Tensor[]>(body: () => T): T {
  if (isTracing()) return body();
  const frame = openScope();
  let result: T | undefined;
  try {
    result = body();
    return result;
  } finally {
    const keep =
      result === undefined
        ? []
        : result instanceof Tensor
          ? [result]
          : [...(result as readonly Tensor[])];
    closeScope(frame, keep as Disposable[]);
  }
}
