/**
 * The two batch types of a pipeline. A `HostBatch` is rows gathered in JS memory (cheap to make,
 * free to drop); a `Batch` holds device tensors and belongs to whoever receives it: the consumer
 * must dispose it (`batch.dispose()`, `using batch = …`, or `tree.dispose(batch.data)`).
 */
import { type Tensor, tree } from '@tensile/core';
import type { HostColumns } from '../host-tensor.js';

/** The device-tensor version of a host column record: same keys, `Tensor` values. */
export type TensorColumns<C> = { readonly [K in keyof C]: Tensor };

/**
 * Rows of a dataset gathered on the host, with their place in the pipeline.
 *
 * @example
 * // { columns: { image: uint8[32,28,28], label: int32[32] }, epoch: 0, index: 0, size: 32 }
 */
export interface HostBatch<C extends HostColumns = HostColumns> {
  readonly columns: C;
  /** The epoch this batch belongs to (0 when the pipeline has no epochs). */
  readonly epoch: number;
  /** The batch's position within its epoch (0, 1, …). */
  readonly index: number;
  /** The number of rows (the leading dimension of every column). */
  readonly size: number;
}

/**
 * A batch of device tensors. The consumer owns it and must dispose it.
 *
 * @example
 * for await (const batch of toAsyncIterable(stream)) {
 *   using _ = batch;              // disposed at the end of the iteration
 *   step(batch.data.x, batch.data.y);
 * }
 */
export class Batch<T extends Readonly<Record<string, Tensor>> = Readonly<Record<string, Tensor>>>
  implements Disposable
{
  constructor(
    /** The tensors, one per column, each with `size` rows. */
    readonly data: T,
    /** The epoch this batch belongs to (0 when the pipeline has no epochs). */
    readonly epoch: number,
    /** The batch's position within its epoch. */
    readonly index: number,
    /** The number of rows. */
    readonly size: number,
  ) {}

  /** Dispose every tensor of the batch (safe to call twice). */
  dispose(): void {
    tree.dispose(this.data);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Release whatever device memory a pipeline element holds: a `Batch` (or anything with a `dispose`
 * method) is disposed, any other value has its tensor leaves disposed; host data is left alone.
 *
 * @internal
 */
export function disposeElement(element: unknown): void {
  if (
    typeof element === 'object' &&
    element !== null &&
    typeof (element as { dispose?: unknown }).dispose === 'function'
  ) {
    (element as { dispose(): void }).dispose();
  } else tree.dispose(element);
}
