/**
 * Class probabilities of a classifier over a dataset, batch by batch (a jitted forward pass in
 * evaluation mode, read back to the host), and what `eval` prints from them: accuracy, mean
 * cross-entropy, per-class accuracy and the confusion matrix (rows = true labels).
 */

import type { ArrayDataset } from '@tensile/data';
import { batches, toAsyncIterable } from '@tensile/data';
import { type Classifier, makePredictor } from './classifier.js';
import { type FashionColumns, toImageInputs } from './fashion.js';

/** Softmax outputs `[N, classes]` (row-major) and the labels. */
export interface Predictions {
  readonly probs: Float32Array;
  readonly labels: Int32Array;
  readonly classes: number;
}

/**
 * Run the classifier over every row of `dataset`.
 *
 * @example
 * const { probs, labels } = await predictDataset(params, test, 10);
 */
export async function predictDataset(
  params: Classifier,
  dataset: ArrayDataset<FashionColumns>,
  classes: number,
  batchSize = 500,
): Promise<Predictions> {
  using predict = makePredictor();
  const probs = new Float32Array(dataset.length * classes);
  const labels = new Int32Array(dataset.length);
  let offset = 0;
  const stream = batches(dataset, { batchSize, map: toImageInputs });
  for await (const batch of toAsyncIterable(stream)) {
    using _ = batch;
    using p = predict(params, batch.data.x);
    probs.set((await p.data()) as Float32Array, offset * classes);
    labels.set((await batch.data.y.data()) as Int32Array, offset);
    offset += batch.data.x.shape[0] as number;
  }
  return { probs, labels, classes };
}

/** Accuracy, mean cross-entropy, the confusion matrix and per-class accuracy. */
export interface PredictionReport {
  readonly accuracy: number;
  readonly loss: number;
  /** `confusion[label][prediction]`. */
  readonly confusion: number[][];
  readonly perClass: number[];
}

export function summarize({ probs, labels, classes }: Predictions): PredictionReport {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if ((probs[i * classes + c] as number) > (probs[i * classes + best] as number)) best = c;
    }
    const label = labels[i] as number;
    (confusion[label] as number[])[best] = ((confusion[label] as number[])[best] as number) + 1;
    if (best === label) correct++;
    loss -= Math.log(Math.max(probs[i * classes + label] as number, 1e-12));
  }
  const n = Math.max(1, labels.length);
  const perClass = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : (row[c] as number) / total;
  });
  return { accuracy: correct / n, loss: loss / n, confusion, perClass };
}

/** The confusion matrix as aligned text lines, with short class names. */
export function confusionLines(report: PredictionReport, names: readonly string[]): string[] {
  const short = names.map((name) => name.replace(/[^A-Za-z]/g, '').slice(0, 5));
  const width = Math.max(5, ...report.confusion.flat().map((v) => String(v).length)) + 1;
  const pad = (s: string) => s.padStart(width);
  const lines = [`${'true\\pred'.padEnd(10)}${short.map(pad).join('')}   accuracy`];
  report.confusion.forEach((row, c) => {
    const acc = report.perClass[c] as number;
    lines.push(
      `${(short[c] ?? String(c)).padEnd(10)}${row.map((v) => pad(String(v))).join('')}   ${Number.isNaN(acc) ? '-' : acc.toFixed(3)}`,
    );
  });
  return lines;
}
