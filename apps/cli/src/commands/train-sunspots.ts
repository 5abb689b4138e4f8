/**
 * `tensile train sunspots --model lstm|gru`: one-step-ahead forecasting of the yearly sunspot
 * numbers 1700–2008 (committed to the repository; `@tensile/data`'s `sunspots`) with
 * `zoo.seqRegressor`, against the naive forecast "next year = this year". The series is split in
 * time: the last `--test-years` years are held out; each forecast sees the `--window` years before
 * it. The model trains on every step of its windows (teacher forcing); both forecasters are scored
 * by the MSE of their one-step forecasts of the held-out years, in sunspot units.
 */
import { join } from 'node:path';
import { jit, np, scope, type Tensor, tree } from '@tensile/core';
import { ArrayDataset, batches, hostTensor } from '@tensile/data';
import { sunspots } from '@tensile/data/node';
import * as nn from '@tensile/nn';
import { adam } from '@tensile/optim';
import { epochBatches, makeTrainStep } from '@tensile/train/node';
import { type SeqRegressor, seqRegressor } from '@tensile/zoo';
import {
  choiceOption,
  commonTrainOptions,
  intOption,
  numberOption,
  type OptionValues,
  requiredInt,
  stringOption,
  UsageError,
} from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { seedKeys } from '../classifier.js';
import type { CliContext } from '../context.js';
import { runFit, writeRunFiles } from '../training.js';

export const options = {
  ...commonTrainOptions,
  model: { type: 'string', default: 'lstm' },
  window: { type: 'string', default: '20' },
  hidden: { type: 'string', default: '32' },
  'test-years': { type: 'string', default: '60' },
} as const;

export const usage = `tensile train sunspots --model lstm|gru [options]

Forecast next year's sunspot number from the previous years (yearly means 1700-2008) and
compare with the naive forecast "same as this year" on the held-out last years.

  --model lstm|gru         recurrent cell (default lstm)
  --backend cpu|dawn|auto  (default auto)
  --epochs N               epochs (default 60)
  --batch B                batch size (default 32)
  --lr X                   Adam learning rate (default 0.005)
  --window W               years of history per forecast (default 20)
  --hidden H               hidden size (default 32)
  --test-years K           held-out years at the end of the series (default 60: 1949-2008)
  --limit N                use only the first N years of the series (smoke runs)
  --out DIR                output directory (default runs/sunspots-<model>)
  --seed N                 PRNG seed (default 0)`;

export interface SunspotOptions {
  readonly model: 'lstm' | 'gru';
  readonly backend: BackendChoice;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly window: number;
  readonly hidden: number;
  readonly testYears: number;
  readonly limit: number | undefined;
  readonly out: string;
  readonly seed: number;
}

export function parse(values: OptionValues): SunspotOptions {
  const model = choiceOption(values, 'model', ['lstm', 'gru']);
  return {
    model,
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    epochs: intOption(values, 'epochs', { min: 1 }) ?? 60,
    batch: intOption(values, 'batch', { min: 1 }) ?? 32,
    lr: numberOption(values, 'lr', { above: 0 }) ?? 5e-3,
    window: requiredInt(values, 'window', { min: 2 }),
    hidden: requiredInt(values, 'hidden', { min: 1 }),
    testYears: requiredInt(values, 'test-years', { min: 1 }),
    limit: intOption(values, 'limit', { min: 10 }),
    out: stringOption(values, 'out') ?? join('runs', `sunspots-${model}`),
    seed: requiredInt(values, 'seed', { min: 0 }),
  };
}

/** What the command measured (MSE in sunspot units², on the held-out years). */
export interface SunspotResult {
  readonly modelMse: number;
  readonly naiveMse: number;
  readonly testYears: readonly [number, number];
}

/** Windows of `length + 1` consecutive values: inputs are the first `length`, targets the last `length`. */
function sequences(
  series: Float32Array,
  length: number,
): ArrayDataset<{ seq: ReturnType<typeof hostTensor> }> {
  const count = Math.max(0, series.length - length);
  const data = new Float32Array(count * (length + 1));
  for (let w = 0; w < count; w++) data.set(series.subarray(w, w + length + 1), w * (length + 1));
  return ArrayDataset.fromColumns({ seq: hostTensor(data, [count, length + 1, 1], 'float32') });
}

type SeqBatch = { seq: Tensor };

/**
 * Run the command.
 *
 * @example
 * await trainSunspots(parse({ model: 'gru', epochs: '2', backend: 'cpu', seed: '0', window: '20', hidden: '32', 'test-years': '60' }), ctx);
 */
export async function trainSunspots(opts: SunspotOptions, ctx: CliContext): Promise<SunspotResult> {
  const backend = await selectBackend(opts.backend);
  const keys: Tensor[] = [];
  const owned: unknown[] = [];
  try {
    ctx.out(`backend: ${backend.description}`);
    const loaded = await sunspots();
    const n = Math.min(loaded.values.length, opts.limit ?? loaded.values.length);
    const values = loaded.values.subarray(0, n);
    const years = loaded.years.subarray(0, n);
    const trainEnd = n - opts.testYears;
    if (trainEnd < opts.window + 1) {
      throw new UsageError(
        `--test-years ${opts.testYears} and --window ${opts.window} leave too few training years (${trainEnd} of ${n})`,
      );
    }
    // Scale by the training years' mean and standard deviation (nothing from the test years).
    const trainPart = values.subarray(0, trainEnd);
    const mean = trainPart.reduce((a, b) => a + b, 0) / trainPart.length;
    const std = Math.sqrt(trainPart.reduce((a, b) => a + (b - mean) ** 2, 0) / trainPart.length);
    const scaled = Float32Array.from(values, (v) => (v - mean) / std);
    const train = sequences(scaled.subarray(0, trainEnd), opts.window);
    // Test windows end in the held-out years; their inputs may reach back into the training years.
    const test = sequences(scaled.subarray(trainEnd - opts.window), opts.window);
    const firstYear = years[trainEnd] as number;
    const lastYear = years[n - 1] as number;
    ctx.out(
      `data: yearly sunspot numbers ${years[0]}-${lastYear} (${loaded.file.replace(/^.*\/fixtures\//, 'fixtures/')}), ${n} years`,
    );
    ctx.out(
      `split: train ${years[0]}-${years[trainEnd - 1]} (${train.length} windows), held out ${firstYear}-${lastYear} (${test.length} one-step forecasts); window ${opts.window} years; scaled by the training mean ${mean.toFixed(1)} and std ${std.toFixed(1)}`,
    );

    keys.push(...seedKeys(opts.seed, 3));
    const [initKey, shuffleKey, fitKey] = keys as [Tensor, Tensor, Tensor];
    const model = seqRegressor.init(initKey, {
      inputSize: 1,
      hiddenSize: opts.hidden,
      cell: opts.model,
    });
    ctx.out(
      `model: seqRegressor ${opts.model.toUpperCase()} ${opts.hidden} → linear 1, ${nn.countParams(model).toLocaleString('en-US')} parameters`,
    );
    const lossFn = (m: SeqRegressor, batch: SeqBatch) => {
      const inputs = np.slice(batch.seq, null, [0, -1]);
      const targets = np.slice(batch.seq, null, [1, null]);
      const [pred] = seqRegressor.apply(m, inputs);
      const last = np.slice(pred, null, -1).sub(np.slice(targets, null, -1));
      return [nn.mse(pred, targets), { last_mse: last.square().mean() }] as const;
    };
    const optimizer = adam(opts.lr);
    using step = makeTrainStep(lossFn, optimizer, { hasAux: true });
    const result = await runFit({
      ctx,
      backend: backend.name,
      key: fitKey,
      params: model,
      optState: optimizer.init(model),
      trainStep: step,
      trainData: epochBatches(train, { batchSize: opts.batch, key: shuffleKey }),
      evalData: () => batches(test, { batchSize: 256 }),
      epochs: opts.epochs,
      label: opts.model,
      epochLineEvery: Math.max(1, Math.round(opts.epochs / 10)),
    });
    owned.push(result.params, result.optState);

    // One-step forecasts of every held-out year, back in sunspot units.
    const forecast = jit((m: SeqRegressor, seq: Tensor) => {
      const [pred] = seqRegressor.apply(m, np.slice(seq, null, [0, -1]));
      return np.slice(pred, null, -1, 0);
    });
    let predicted: Float32Array;
    {
      using seq = scope(() =>
        np.array(test.columns.seq.data as Float32Array).reshape([test.length, opts.window + 1, 1]),
      );
      using out = forecast(result.params, seq);
      predicted = (await out.data()) as Float32Array;
      forecast.dispose();
    }
    let modelSum = 0;
    let naiveSum = 0;
    for (let i = 0; i < test.length; i++) {
      const actual = values[trainEnd + i] as number;
      const previous = values[trainEnd + i - 1] as number;
      modelSum += ((predicted[i] as number) * std + mean - actual) ** 2;
      naiveSum += (previous - actual) ** 2;
    }
    const modelMse = modelSum / test.length;
    const naiveMse = naiveSum / test.length;
    const name = opts.model.toUpperCase();
    ctx.out(
      `held-out ${firstYear}-${lastYear} (${test.length} forecasts): ${name} MSE=${modelMse.toFixed(1)} (RMSE ${Math.sqrt(modelMse).toFixed(1)}), naive last-value MSE=${naiveMse.toFixed(1)} (RMSE ${Math.sqrt(naiveMse).toFixed(1)})`,
    );
    ctx.out(
      `${name} ${modelMse < naiveMse ? 'beats' : 'does not beat'} the naive forecast: MSE ratio ${(modelMse / naiveMse).toFixed(3)}`,
    );
    const summary = {
      command: 'train sunspots',
      model: opts.model,
      backend: backend.name,
      train: [years[0], years[trainEnd - 1]],
      test: [firstYear, lastYear],
      window: opts.window,
      epochs: result.history.epochs.length,
      modelMse,
      naiveMse,
    };
    const files = await writeRunFiles(opts.out, result.history, summary, {
      metrics: ['loss', 'last_mse'],
    });
    ctx.out(`wrote ${files.join(', ')}`);
    return { modelMse, naiveMse, testYears: [firstYear, lastYear] };
  } finally {
    tree.dispose(owned);
    for (const key of keys) key.dispose();
    await backend.release();
  }
}
