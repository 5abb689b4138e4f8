/**
 * Reading a step's metric tensors back to JS numbers (one read per metric, awaited together so a
 * GPU backend submits once) and releasing them. A metric with more than one element is averaged.
 */
import { type Tensor, tree, ValueError } from '@tensile/core';
import { Effect } from 'effect';
import type { MetricValues } from './history.js';
import type { Metrics } from './train-step.js';

/** Throw unless `metrics` is a record of tensors. */
function checkMetrics(op: string, metrics: unknown): asserts metrics is Metrics {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    tree.dispose(metrics);
    throw new ValueError(
      `${op}: the step must return metrics as a record of scalar tensors (e.g. { loss }), got ${Array.isArray(metrics) ? 'an array' : typeof metrics}`,
    );
  }
}

/**
 * The values of `metrics` as numbers; the tensors are disposed.
 *
 * @internal
 */
export function readMetrics(op: string, metrics: unknown): Effect.Effect<MetricValues> {
  return Effect.suspend(() => {
    checkMetrics(op, metrics);
    const entries = Object.entries(metrics) as Array<[string, Tensor]>;
    return Effect.promise(async () => {
      try {
        // float16 reads back as raw bits: widen such metrics first.
        const readable = entries.map(([, t]) => (t.dtype === 'float16' ? t.astype('float32') : t));
        const arrays = await Promise.all(readable.map((t) => t.data()));
        readable.forEach((t, i) => {
          if (t !== entries[i]?.[1]) t.dispose();
        });
        const out: Record<string, number> = {};
        entries.forEach(([name], i) => {
          const data = arrays[i] as ArrayLike<number>;
          let sum = 0;
          for (let j = 0; j < data.length; j++) sum += Number(data[j]);
          out[name] = data.length === 1 ? Number(data[0]) : sum / data.length;
        });
        return out;
      } finally {
        for (const [, t] of entries) t.dispose();
      }
    });
  });
}
