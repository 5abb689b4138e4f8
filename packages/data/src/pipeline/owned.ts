/**
 * Ownership bookkeeping for stream elements that may hold tensors. An element belongs to the
 * pipeline from the moment it is made until the consumer pulls it; if the stream ends early
 * (interrupted, `take`, a `break` out of `for await`), every element still inside the pipeline is
 * disposed in the stream's finalizer, so stopping mid-epoch leaks nothing.
 */
import { Effect, Stream } from 'effect';
import { disposeElement } from './batch.js';

/** Elements made but not yet handed on (a multiset, by identity). */
export class PendingElements<A> {
  private readonly held = new Map<A, number>();

  /** Record an element the pipeline now holds. */
  add(item: A): A {
    this.held.set(item, (this.held.get(item) ?? 0) + 1);
    return item;
  }

  /** `item` has been handed on. */
  release(item: A): A {
    const count = this.held.get(item) ?? 0;
    if (count <= 1) this.held.delete(item);
    else this.held.set(item, count - 1);
    return item;
  }

  /** Dispose everything still held. */
  disposeAll(): void {
    const rest = [...this.held.keys()];
    this.held.clear();
    for (const item of rest) disposeElement(item);
  }
}

/**
 * The stream `build(pending)` makes, handed on one element at a time: elements that `build` records
 * with `pending.add` and that are not handed on by the time the stream stops are disposed.
 *
 * @internal
 */
export function withPending<A, E, R>(
  build: (pending: PendingElements<A>) => Stream.Stream<A, E, R>,
): Stream.Stream<A, E, R> {
  return Stream.suspend(() => {
    const pending = new PendingElements<A>();
    return build(pending).pipe(
      Stream.rechunk(1),
      Stream.map((a) => pending.release(a)),
      Stream.ensuring(Effect.sync(() => pending.disposeAll())),
    );
  });
}
