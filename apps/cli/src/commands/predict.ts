/**
 * `tensile predict --checkpoint PATH --image N`: classify test image N of Fashion-MNIST with a
 * saved classifier, show the image as text and the top three classes with their probabilities.
 */
import {
  choiceOption,
  flag,
  intOption,
  type OptionValues,
  stringOption,
  UsageError,
} from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { disposeClassifier } from '../classifier.js';
import type { CliContext } from '../context.js';
import { CLASS_NAMES, loadFashion } from '../fashion.js';
import { loadClassifier } from '../model-file.js';
import { predictDataset } from '../predictions.js';

export const options = {
  checkpoint: { type: 'string' },
  image: { type: 'string' },
  split: { type: 'string', default: 'test' },
  backend: { type: 'string', default: 'auto' },
  slice: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const usage = `tensile predict --checkpoint PATH --image N [options]

Classify one Fashion-MNIST image with a saved classifier.

  --checkpoint PATH        a model written by 'tensile train fashion-mnist'
  --image N                index of the image in the split (0-based)
  --split test|train       which split (default test)
  --backend cpu|dawn|auto  (default auto)
  --slice                  use the committed slice`;

export interface PredictOptions {
  readonly checkpoint: string;
  readonly image: number;
  readonly split: 'test' | 'train';
  readonly backend: BackendChoice;
  readonly slice: boolean;
}

export function parse(values: OptionValues): PredictOptions {
  const checkpoint = stringOption(values, 'checkpoint');
  if (checkpoint === undefined) throw new UsageError('--checkpoint PATH is required');
  const image = intOption(values, 'image', { min: 0 });
  if (image === undefined) throw new UsageError('--image N is required');
  return {
    checkpoint,
    image,
    split: choiceOption(values, 'split', ['test', 'train']),
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    slice: flag(values, 'slice'),
  };
}

const SHADES = ' .:-=+*#%@';

/** A 28×28 uint8 image as 28 lines of 28 two-character cells. */
export function asciiImage(pixels: ArrayLike<number>, size = 28): string[] {
  const lines: string[] = [];
  for (let r = 0; r < size; r++) {
    let line = '';
    for (let c = 0; c < size; c++) {
      const v = pixels[r * size + c] as number;
      const ch = SHADES[Math.min(SHADES.length - 1, Math.floor((v / 256) * SHADES.length))] ?? ' ';
      line += ch + ch;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** The prediction for one image. */
export interface PredictResult {
  readonly label: number;
  readonly predicted: number;
  readonly probabilities: number[];
}

/**
 * Run the command.
 *
 * @example
 * await predictImage({ checkpoint: 'runs/fashion-mnist-cnn/model.safetensors', image: 0, split: 'test', backend: 'cpu', slice: false }, ctx);
 */
export async function predictImage(opts: PredictOptions, ctx: CliContext): Promise<PredictResult> {
  const backend = await selectBackend(opts.backend);
  try {
    const data = await loadFashion(ctx, { split: opts.split, slice: opts.slice });
    if (opts.image >= data.dataset.length) {
      throw new UsageError(
        `--image ${opts.image} is out of range: the ${opts.split} split has ${data.dataset.length} images (0..${data.dataset.length - 1})`,
      );
    }
    const one = data.dataset.take([opts.image]);
    const { params, metadata } = await loadClassifier(opts.checkpoint);
    let probs: Float32Array;
    try {
      ({ probs } = await predictDataset(params, one, metadata.numClasses));
    } finally {
      disposeClassifier(params);
    }
    const label = one.columns.label.data[0] as number;
    const probabilities = Array.from(probs);
    const order = probabilities.map((p, c) => [p, c] as const).sort((a, b) => b[0] - a[0]);
    const predicted = (order[0] as readonly [number, number])[1];
    for (const line of asciiImage(one.columns.image.data)) ctx.out(line);
    ctx.out(
      `image ${opts.image} of the ${opts.split} split (${data.source}): true class ${label} ${CLASS_NAMES[label]}`,
    );
    ctx.out(
      `prediction: ${predicted} ${CLASS_NAMES[predicted]} (${((order[0]?.[0] ?? 0) * 100).toFixed(1)}%) — ${predicted === label ? 'correct' : 'wrong'}`,
    );
    ctx.out(
      `top 3: ${order
        .slice(0, 3)
        .map(([p, c]) => `${CLASS_NAMES[c]} ${(p * 100).toFixed(1)}%`)
        .join(', ')}`,
    );
    return { label, predicted, probabilities };
  } finally {
    await backend.release();
  }
}
