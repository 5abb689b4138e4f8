/**
 * The sequence models' semantics, each checked against an independent computation:
 * - `textClassifier` on a padded batch (with `lengths` or a `mask`) gives each sequence the logits
 *   it gets alone and unpadded;
 * - `charRnn.sample` is reproducible for a key (eagerly and under `jit`), and equals a plain loop that re-runs the model on
 *   the whole growing text and draws with `random.categorical` from the same per-step keys
 *   (temperature 0: the argmax);
 * - `seqRegressor` is causal, and `forecast` equals feeding predictions back by hand.
 */
import { DTypeError, jit, np, random, ShapeError, type Tensor, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { charRnn, seqRegressor, textClassifier } from '../src/index.js';
import { onBackend } from './support/backends.js';
import { expectClose, host } from './support/tensors.js';

describe('textClassifier', () => {
  it.each(['lstm', 'gru'] as const)(
    '%s: padded sequences get the logits of the unpadded ones',
    (cell) => {
      onBackend('cpu', () => {
        const model = textClassifier.init(random.key(0), {
          vocabSize: 11,
          numClasses: 3,
          embedDim: 4,
          hiddenSize: 5,
          numLayers: 2,
          bidirectional: true,
          cell,
        });
        const rows = [
          [3, 1, 4, 1, 5, 9],
          [2, 6, 5, 0, 0, 0],
          [7, 0, 0, 0, 0, 0],
        ];
        const valid = [6, 3, 1];
        const tokens = np.array(rows, { dtype: 'int32' });
        const byLengths = textClassifier.apply(model, tokens, {
          lengths: np.array(valid, { dtype: 'int32' }),
        });
        const mask = np.array(rows.map((r, b) => r.map((_, t) => t < (valid[b] as number))));
        const byMask = textClassifier.apply(model, tokens, { mask });
        rows.forEach((row, b) => {
          const alone = textClassifier.apply(
            model,
            np.array([row.slice(0, valid[b])], { dtype: 'int32' }),
          );
          expectClose(byLengths.take(b, { axis: 0 }), alone.squeeze(0), `row ${b} (lengths)`, {
            rtol: 1e-5,
            atol: 1e-6,
          });
          expectClose(byMask.take(b, { axis: 0 }), alone.squeeze(0), `row ${b} (mask)`, {
            rtol: 1e-5,
            atol: 1e-6,
          });
        });
      });
    },
  );

  it('checks its inputs', () => {
    onBackend('cpu', () => {
      const model = textClassifier.init(random.key(0), {
        vocabSize: 5,
        embedDim: 2,
        hiddenSize: 2,
      });
      expect(() => textClassifier.apply(model, np.zeros([2, 3]))).toThrow(DTypeError);
      expect(() => textClassifier.apply(model, np.zeros([3], { dtype: 'int32' }))).toThrow(
        ShapeError,
      );
      const drop = textClassifier.init(random.key(0), {
        vocabSize: 5,
        embedDim: 2,
        hiddenSize: 2,
        dropout: 0.5,
      });
      expect(() =>
        textClassifier.apply(drop, np.zeros([1, 3], { dtype: 'int32' }), { train: true }),
      ).toThrow(/key/);
    });
  });
});

describe('charRnn.sample', () => {
  const build = () => charRnn.init(random.key(0), { vocabSize: 7, embedDim: 3, hiddenSize: 6 });

  /** Sampling by re-running the model on the whole text at every step (no carried state). */
  function reference(
    model: ReturnType<typeof build>,
    key: Tensor,
    prefix: number[],
    length: number,
    temperature: number,
  ) {
    const keys = random.split(key, length);
    const text = [...prefix];
    for (let i = 0; i < length; i++) {
      const [logits] = charRnn.apply(model, np.array([text], { dtype: 'int32' }));
      const last = logits.take(text.length - 1, { axis: 1 }).squeeze(0);
      const next =
        temperature === 0
          ? np.argmax(last)
          : random.categorical(keys.take(i, { axis: 0 }), last.div(temperature));
      text.push(next.item() as number);
    }
    return text.slice(prefix.length);
  }

  it('is reproducible for a key and equals drawing step by step from the whole text', () => {
    onBackend('cpu', () => {
      const model = build();
      const key = random.key(42);
      const a = charRnn.sample(model, key, [1, 2, 3], 10, { temperature: 0.7 });
      const b = charRnn.sample(model, key, np.array([1, 2, 3], { dtype: 'int32' }), 10, {
        temperature: 0.7,
      });
      expect(a.shape).toEqual([10]);
      expect(a.dtype).toBe('int32');
      expect(host(b)).toEqual(host(a));
      expect(host(a)).toEqual(reference(model, key, [1, 2, 3], 10, 0.7));
      expect(
        host(charRnn.sample(model, random.key(43), [1, 2, 3], 10, { temperature: 0.7 })),
      ).not.toEqual(host(a));
      expect(host(a).every((t) => t >= 0 && t < 7)).toBe(true);
      const jitted = jit((mm: typeof model, k: Tensor, p: Tensor) =>
        charRnn.sample(mm, k, p, 10, { temperature: 0.7 }),
      );
      expect(host(jitted(model, key, np.array([1, 2, 3], { dtype: 'int32' })))).toEqual(host(a));
      jitted.dispose();
    });
  });

  it('temperature 0 is greedy; batched prefixes give one row per prefix', () => {
    onBackend('cpu', () => {
      const model = build();
      const greedy = host(charRnn.sample(model, random.key(1), [4], 8, { temperature: 0 }));
      expect(greedy).toEqual(reference(model, random.key(1), [4], 8, 0));
      const batch = charRnn.sample(
        model,
        random.key(2),
        np.array(
          [
            [4, 4],
            [5, 6],
          ],
          { dtype: 'int32' },
        ),
        8,
        { temperature: 0 },
      );
      expect(batch.shape).toEqual([2, 8]);
      expect(host(batch.take(1, { axis: 0 }))).toEqual(
        reference(model, random.key(2), [5, 6], 8, 0),
      );
    });
  });

  it('checks its arguments', () => {
    onBackend('cpu', () => {
      const model = build();
      expect(() => charRnn.sample(model, random.key(0), [], 3)).toThrow(/at least one token/);
      expect(() => charRnn.sample(model, random.key(0), [1], 3, { temperature: -1 })).toThrow(
        ValueError,
      );
      expect(() => charRnn.sample(model, random.key(0), [1], 0)).toThrow(
        /length must be a positive integer/,
      );
    });
  });
});

describe('seqRegressor', () => {
  it('is causal and forecast equals feeding predictions back by hand', () => {
    onBackend('cpu', () => {
      const model = seqRegressor.init(random.key(0), {
        inputSize: 2,
        hiddenSize: 6,
        numLayers: 2,
        cell: 'gru',
      });
      const history = random.normal(random.key(1), [3, 5, 2]);
      const [full] = seqRegressor.apply(model, history);
      const [prefix] = seqRegressor.apply(model, history.slice(null, [0, 3]));
      expectClose(full.slice(null, [0, 3]), prefix, 'causal', { rtol: 1e-5, atol: 1e-6 });

      const forecast = seqRegressor.forecast(model, history, 4);
      expect(forecast.shape).toEqual([3, 4, 2]);
      let series = history;
      for (let i = 0; i < 4; i++) {
        const [pred] = seqRegressor.apply(model, series);
        const next = pred.slice(null, [-1, null]);
        expectClose(forecast.slice(null, [i, i + 1]), next, `step ${i}`, {
          rtol: 1e-4,
          atol: 1e-5,
        });
        series = np.concatenate([series, next], { axis: 1 });
      }
      const multi = seqRegressor.init(random.key(0), { inputSize: 3, outputSize: 1 });
      expect(() =>
        seqRegressor.forecast(multi, random.normal(random.key(2), [1, 4, 3]), 2),
      ).toThrow(/cannot be fed back/);
      expect(() => seqRegressor.apply(model, np.zeros([5, 2]))).toThrow(ShapeError);
    });
  });
});
