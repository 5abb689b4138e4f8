/**
 * Model files of the CLI: `@tensile/io` checkpoints (safetensors, written atomically) whose
 * metadata names the task and the architecture (`{ cli: { task, model, numClasses, … } }`), so
 * `tensile eval` / `predict` / `train gan --classifier` can rebuild the model before loading the
 * weights. The training loop's own checkpoints (`checkpoints/ckpt-<step>.safetensors`) carry the same
 * description under `metadata.user`, so they load too.
 */
import { readFile } from 'node:fs/promises';
import { random } from '@tensile/core';
import { readSafetensorsHeader } from '@tensile/io';
import { loadCheckpoint, saveCheckpoint } from '@tensile/io/node';
import { UsageError } from './args.js';
import {
  type Classifier,
  type ClassifierSpec,
  disposeClassifier,
  FASHION_MODELS,
  initClassifier,
} from './classifier.js';

/** What a CLI model file says about itself. */
export interface ClassifierMetadata extends ClassifierSpec {
  readonly task: 'fashion-classifier';
  /** The original Fashion-MNIST labels of the model's outputs, in order (default 0..9). */
  readonly labels?: readonly number[];
  /** Free-form facts about the run (data, epochs, test accuracy). */
  readonly run?: Record<string, unknown>;
}

/**
 * Save a classifier's params and batch-norm state with its description.
 *
 * @example
 * await saveClassifier('runs/cnn/model.safetensors', params, { task: 'fashion-classifier', model: 'cnn', numClasses: 10 }, step);
 */
export async function saveClassifier(
  path: string,
  params: Classifier,
  metadata: ClassifierMetadata,
  step: number,
): Promise<void> {
  await saveCheckpoint(path, { params, step, metadata: { cli: metadata } });
}

/** The `cli` metadata of a model file or a training checkpoint. */
export async function readClassifierMetadata(path: string): Promise<ClassifierMetadata> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  const header = readSafetensorsHeader(bytes, { source: path });
  const raw = header.metadata?.['tensile.metadata'];
  let parsed: unknown;
  try {
    parsed = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const record = parsed as { cli?: unknown; user?: { cli?: unknown } } | undefined;
  const cli = (record?.cli ?? record?.user?.cli) as Partial<ClassifierMetadata> | undefined;
  if (
    cli?.task !== 'fashion-classifier' ||
    !(FASHION_MODELS as readonly string[]).includes(cli.model as string) ||
    !Number.isInteger(cli.numClasses)
  ) {
    throw new UsageError(
      `${path} is not a Fashion-MNIST classifier written by 'tensile train fashion-mnist' (no cli metadata naming the model)`,
    );
  }
  return cli as ClassifierMetadata;
}

/**
 * Load a classifier saved by the CLI (a model file or a training checkpoint).
 *
 * @example
 * const { params, metadata } = await loadClassifier('runs/cnn/model.safetensors');
 */
export async function loadClassifier(
  path: string,
): Promise<{ params: Classifier; metadata: ClassifierMetadata; step: number }> {
  const metadata = await readClassifierMetadata(path);
  const key = random.key(0);
  const template = initClassifier(key, metadata);
  key.dispose();
  try {
    const loaded = await loadCheckpoint(path, { params: template });
    return { params: loaded.params, metadata, step: loaded.step };
  } finally {
    disposeClassifier(template);
  }
}
