/**
 * Pipelines: reproducible shuffling by key (JAX's permutation for the same key, from the committed
 * JAX fixture), batch shapes and contents, the last partial batch, epochs and resuming, prefetch
 * order and bound, train/validation splits, and ownership: consumers dispose every batch, and
 * stopping a stream early (take, break, interruption) leaves no live tensor behind.
 */
import { readFileSync } from 'node:fs';
import { random, type Tensor } from '@tensile/core';
import { Effect, Fiber, Stream } from 'effect';
import { describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  type Batch,
  batch,
  batches,
  castHost,
  DataError,
  DataFormatError,
  hostBatches,
  hostTensor,
  mapTensors,
  prefetch,
  shuffle,
  shuffledIndices,
  slidingWindows,
  toAsyncIterable,
  toTensors,
  trainValidationSplit,
} from '../src/index.js';
import { fixture, liveTensors, withKey } from './support/fixtures.js';

/** Rows 0..n-1: `x[i] = [i, 10 i]` (float32), `y[i] = i` (int32), `p[i] = i mod 256` (uint8). */
function toyDataset(n: number) {
  return ArrayDataset.fromColumns({
    x: hostTensor(
      Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * k - 5)),
      [n, 2],
    ),
    y: hostTensor(Int32Array.from({ length: n }, (_, i) => i)),
    p: hostTensor(Uint8Array.from({ length: n }, (_, i) => i % 256)),
  });
}

/** Collect a stream of batches as plain arrays, disposing each batch. */
async function collect(
  stream: Stream.Stream<Batch>,
): Promise<
  Array<{ epoch: number; index: number; y: number[]; shapes: Record<string, readonly number[]> }>
> {
  const out: Array<{
    epoch: number;
    index: number;
    y: number[];
    shapes: Record<string, readonly number[]>;
  }> = [];
  for await (const b of toAsyncIterable(stream)) {
    try {
      out.push({
        epoch: b.epoch,
        index: b.index,
        y: Array.from((await (b.data.y as Tensor).data()) as Int32Array),
        shapes: Object.fromEntries(Object.entries(b.data).map(([k, t]) => [k, t.shape])),
      });
    } finally {
      b.dispose();
    }
  }
  return out;
}

const jax = JSON.parse(readFileSync(fixture('jax', 'jax-random-public.json'), 'utf8')) as {
  cases: Record<string, Record<string, { permutation_10?: number[] }>>;
};

describe('shuffledIndices', () => {
  it("equals JAX's permutation(key(seed), 10) for seeds 0, 1, 42", async () => {
    for (const seed of [0, 1, 42]) {
      const expected = jax.cases['partitionable=True']?.[`seed=${seed}`]?.permutation_10;
      await withKey(seed, async (key) =>
        expect(Array.from(await shuffledIndices(key, 10))).toEqual(expected),
      );
    }
  });

  it('is a permutation, reproducible for a key, different across keys and epochs', async () => {
    const n = 1000;
    const [a, b, c, e1] = await withKey(7, async (key) => [
      await shuffledIndices(key, n),
      await shuffledIndices(key, n),
      await withKey(8, (other) => shuffledIndices(other, n)),
      await shuffledIndices(key, n, { epoch: 1 }),
    ]);
    expect(Array.from(a as Int32Array).sort((p, q) => p - q)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
    expect(Array.from(b as Int32Array)).toEqual(Array.from(a as Int32Array));
    expect(Array.from(c as Int32Array)).not.toEqual(Array.from(a as Int32Array));
    expect(Array.from(e1 as Int32Array)).not.toEqual(Array.from(a as Int32Array));
  });
});

describe('batches', () => {
  it('stacks rows into tensors of the right shapes, uint8 as float32, with a last partial batch', async () => {
    const got = await collect(batches(toyDataset(10), { batchSize: 4 }));
    expect(got.map((b) => b.y)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(got[0]?.shapes).toEqual({ x: [4, 2], y: [4], p: [4] });
    expect(got[2]?.shapes.x).toEqual([2, 2]);
    const [first] = await Effect.runPromise(
      Stream.runCollect(Stream.take(batches(toyDataset(10), { batchSize: 3 }), 1)),
    );
    try {
      expect(first?.data.p.dtype).toBe('float32');
      expect(first?.data.y.dtype).toBe('int32');
      expect(await first?.data.x.toArray()).toEqual([
        [0, 0],
        [1, 10],
        [2, 20],
      ]);
    } finally {
      first?.dispose();
    }
  });

  it('drops the last partial batch with dropRemainder', async () => {
    const got = await collect(batches(toyDataset(10), { batchSize: 4, dropRemainder: true }));
    expect(got.map((b) => b.y.length)).toEqual([4, 4]);
  });

  it('shuffles each epoch by permutation(foldIn(key, epoch), n) and resumes mid-run', async () => {
    await withKey(3, async (key) => {
      const n = 10;
      const full = await collect(batches(toyDataset(n), { batchSize: 4, key, epochs: 3 }));
      expect(full.map((b) => [b.epoch, b.index])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [2, 0],
        [2, 1],
        [2, 2],
      ]);
      for (const epoch of [0, 1, 2]) {
        const order = Array.from(await shuffledIndices(key, n, { epoch }));
        expect(full.filter((b) => b.epoch === epoch).flatMap((b) => b.y)).toEqual(order);
      }
      expect(full[0]?.y).not.toEqual(full[3]?.y);
      const resumed = await collect(
        batches(toyDataset(n), { batchSize: 4, key, epochs: 2, startEpoch: 1, startIndex: 2 }),
      );
      expect(resumed).toEqual(full.slice(5));
      const again = await collect(batches(toyDataset(n), { batchSize: 4, key, epochs: 3 }));
      expect(again).toEqual(full);
    });
  });

  it('applies a host-side map', async () => {
    const stream = batches(toyDataset(6), {
      batchSize: 3,
      map: ({ p, y }, { index }) => ({ y, scaled: castHost(p, 'float32', { scale: 0.5 + index }) }),
    });
    const values: number[][] = [];
    for await (const b of toAsyncIterable(stream)) {
      values.push(Array.from((await b.data.scaled.data()) as Float32Array));
      b.dispose();
    }
    expect(values).toEqual([
      [0, 0.5, 1],
      [4.5, 6, 7.5],
    ]);
  });

  it('validates its options', () => {
    expect(() => batches(toyDataset(3), { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => batches(toyDataset(3), { batchSize: 1, prefetch: -1 })).toThrow(/prefetch/);
  });
});

describe('stream operators', () => {
  it('batch stacks examples (numbers and host tensors) and toTensors uploads them', async () => {
    const examples = Array.from({ length: 5 }, (_, i) => ({
      label: i,
      features: hostTensor(Float32Array.of(i, -i), [2]),
    }));
    const host = await Effect.runPromise(
      Stream.runCollect(
        Stream.fromIterable(examples).pipe(batch(2, { dtypes: { label: 'int32' } })),
      ),
    );
    expect(host.map((b) => [b.index, b.size])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
    expect(host[1]?.columns.label).toMatchObject({ dtype: 'int32', shape: [2] });
    expect(Array.from(host[1]?.columns.features.data ?? [])).toEqual([2, -2, 3, -3]);
    const dropped = await Effect.runPromise(
      Stream.runCount(Stream.fromIterable(examples).pipe(batch(2, { dropRemainder: true }))),
    );
    expect(dropped).toBe(2);
    const tensors = await Effect.runPromise(
      Stream.runCollect(Stream.fromIterable(examples).pipe(batch(5), toTensors())),
    );
    try {
      expect(tensors[0]?.data.features.shape).toEqual([5, 2]);
      expect(tensors[0]?.data.label.dtype).toBe('float32');
    } finally {
      for (const b of tensors) b.dispose();
    }
  });

  it('mapTensors disposes the input tensors it does not return', async () => {
    const before = liveTensors();
    const out = await Effect.runPromise(
      Stream.runCollect(
        batches(toyDataset(4), { batchSize: 2 }).pipe(
          mapTensors(({ x, y }) => ({ x: x.mul(2), y })),
        ),
      ),
    );
    expect(liveTensors() - before).toBe(4); // x and y of two batches; old x and p disposed
    expect(await out[1]?.data.x.toArray()).toEqual([
      [4, 40],
      [6, 60],
    ]);
    for (const b of out) b.dispose();
  });

  it('shuffle(key) reorders a finite stream reproducibly as a permutation', async () => {
    await withKey(5, async (key) => {
      const run = () =>
        Effect.runPromise(Stream.runCollect(Stream.range(0, 19).pipe(shuffle(key))));
      const a = await run();
      expect(await run()).toEqual(a);
      expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(a).toEqual(Array.from(await shuffledIndices(key, 20)));
    });
  });

  it('prefetch keeps the order and runs at most a bounded number of elements ahead', async () => {
    const produced: number[] = [];
    const aheadWhenConsumed: number[] = [];
    const result = await Effect.runPromise(
      Stream.range(0, 99).pipe(
        Stream.rechunk(1),
        Stream.tap((i) => Effect.sync(() => produced.push(i))),
        prefetch(3),
        Stream.mapEffect((i) =>
          Effect.sleep('1 millis').pipe(
            Effect.as(i),
            Effect.tap(() => Effect.sync(() => aheadWhenConsumed.push(produced.length - i - 1))),
          ),
        ),
        Stream.runCollect,
      ),
    );
    expect(result).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // It runs ahead, but never more than the buffer plus the few elements in flight between stages
    // (one blocked offering into the full buffer, one being handed on, one in the consumer).
    expect(Math.max(...aheadWhenConsumed)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...aheadWhenConsumed)).toBeLessThanOrEqual(3 + 3);
  });
});

describe('stopping early releases everything', () => {
  it('interrupting a consumer mid-epoch leaves no live tensors (prefetch before and after upload)', async () => {
    await withKey(1, async (key) => {
      const before = liveTensors();
      const consumed: number[] = [];
      const stream = batches(toyDataset(200), { batchSize: 8, key, epochs: 5, prefetch: 3 }).pipe(
        prefetch(4),
      );
      const fiber = Effect.runFork(
        Stream.runForEach(stream, (b) =>
          Effect.sync(() => {
            consumed.push(b.index);
            b.dispose();
          }).pipe(Effect.andThen(Effect.sleep('2 millis'))),
        ),
      );
      while (consumed.length < 3) await new Promise((r) => setTimeout(r, 1));
      await Effect.runPromise(Fiber.interrupt(fiber));
      expect(consumed.length).toBeLessThan(125);
      await new Promise((r) => setTimeout(r, 5));
      expect(liveTensors()).toBe(before);
    });
  });

  it('take and break out of for-await dispose tensor batches that were made but not handed out', async () => {
    const before = liveTensors();
    const tensorBuffered = () =>
      hostBatches(toyDataset(100), { batchSize: 5 }).pipe(toTensors(), prefetch(6));
    const taken = await Effect.runPromise(Stream.runCollect(Stream.take(tensorBuffered(), 2)));
    expect(liveTensors() - before).toBe(2 * 3);
    for (const b of taken) b.dispose();
    for await (const b of toAsyncIterable(tensorBuffered())) {
      b.dispose();
      if (b.index === 3) break;
    }
    await withKey(2, async (key) => {
      for await (const b of toAsyncIterable(tensorBuffered().pipe(shuffle(key)))) {
        b.dispose();
        break;
      }
    });
    expect(liveTensors()).toBe(before);
  });

  it('toAsyncIterable throws the plain error carried by a DataError', async () => {
    const failing = Stream.fail(
      new DataError({
        kind: 'format',
        message: 'm',
        file: 'f',
        cause: new DataFormatError('readIdx: f: bad', 'f'),
      }),
    );
    await expect(async () => {
      for await (const _ of toAsyncIterable(failing)) {
        // nothing
      }
    }).rejects.toThrow(DataFormatError);
  });
});

describe('trainValidationSplit', () => {
  it('splits deterministically by key into disjoint, covering, ordered parts', async () => {
    const ds = toyDataset(50);
    await withKey(9, async (key) => {
      const a = await trainValidationSplit(ds, { key, validation: 0.2 });
      const b = await trainValidationSplit(ds, { key, validation: 0.2 });
      const ids = (d: ArrayDataset) => Array.from(d.columns.y?.data ?? []);
      expect(a.validation.length).toBe(10);
      expect(a.train.length).toBe(40);
      expect(ids(a.validation)).toEqual(ids(b.validation));
      expect([...ids(a.train), ...ids(a.validation)].sort((p, q) => p - q)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      expect(ids(a.train)).toEqual([...ids(a.train)].sort((p, q) => p - q));
      expect(ids(a.validation)).toEqual(
        Array.from(await shuffledIndices(key, 50))
          .slice(0, 10)
          .sort((p, q) => p - q),
      );
      expect(Array.from(a.train.columns.x?.data.subarray(0, 2) ?? [])).toEqual([
        ids(a.train)[0],
        10 * (ids(a.train)[0] ?? 0),
      ]);
      const other = await withKey(10, (k) => trainValidationSplit(ds, { key: k, validation: 0.2 }));
      expect(ids(other.validation)).not.toEqual(ids(a.validation));
      expect((await trainValidationSplit(ds, { key, validation: 7 })).validation.length).toBe(7);
      expect(() => trainValidationSplit(ds, { key, validation: 51 })).toThrow(
        /row count in \[0, 50\]/,
      );
    });
  });
});

describe('slidingWindows', () => {
  it('makes [N, length, 1] inputs and [N, horizon] targets', () => {
    const ds = slidingWindows([1, 2, 3, 4, 5, 6], { length: 3, horizon: 2 });
    expect(ds.length).toBe(2);
    expect(ds.columns.x.shape).toEqual([2, 3, 1]);
    expect(Array.from(ds.columns.x.data)).toEqual([1, 2, 3, 2, 3, 4]);
    expect(Array.from(ds.columns.y.data)).toEqual([4, 5, 5, 6]);
    expect(slidingWindows([1, 2], { length: 3 }).length).toBe(0);
  });
});

describe('ArrayDataset', () => {
  it('rejects columns of different lengths and gathers/slices rows', () => {
    expect(() =>
      ArrayDataset.fromColumns({
        a: hostTensor(new Float32Array(3)),
        b: hostTensor(new Float32Array(4)),
      }),
    ).toThrow(/column 'b' has 4 rows but 'a' has 3/);
    const ds = toyDataset(5);
    expect(Array.from(ds.slice(-2).columns.y.data)).toEqual([3, 4]);
    expect(Array.from(ds.take([4, 0]).columns.x.data)).toEqual([4, 40, 0, 0]);
    expect(() => ds.rows([5])).toThrow(/row index 5 is out of range for 5 rows/);
  });
});

it('random keys used by the tests are not leaked', () => {
  const k = random.key(0);
  k.dispose();
});
