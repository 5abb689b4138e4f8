/**
 * The CLI's one door to the training loop, `@tensile/train`: `runFit` calls its Node `fit` with the
 * CLI's conventions (progress on stderr, Ctrl-C → checkpoint → exit 130 in the real command, file
 * checkpoints under `<out>/checkpoints` with the run's description, `--resume`), prints one result
 * line per epoch on stdout, and `writeRunFiles` saves the history as JSON plus the loss/accuracy
 * curves as SVG and PNG (`plotHistory`, `writePlot`). Every command trains through here.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '@tensile/core';
import {
  type BatchData,
  type EpochRecord,
  FitInterrupted,
  type FitOptions,
  type FitResult,
  fit,
  formatDuration,
  type History,
  type MetricValues,
  writePlot,
} from '@tensile/train/node';
import type { CliContext } from './context.js';

/** What a command gives `runFit`. */
export interface RunFitOptions<P, O, B extends BatchData>
  extends Pick<
    FitOptions<P, O, B>,
    | 'params'
    | 'optState'
    | 'trainStep'
    | 'trainData'
    | 'evalData'
    | 'evalStep'
    | 'epochs'
    | 'detectNans'
    | 'callbacks'
  > {
  readonly ctx: CliContext;
  /** The backend's registry name. */
  readonly backend: string;
  /** Step `s` gets `random.foldIn(key, s)` (borrowed). */
  readonly key: Tensor;
  /** Write checkpoints (each epoch, at the end, on Ctrl-C) into this directory. */
  readonly checkpointDir?: string | undefined;
  /** JSON stored with each checkpoint (how to rebuild the model). */
  readonly checkpointMetadata?: unknown;
  /** Continue from the newest checkpoint in `checkpointDir`. */
  readonly resume?: boolean;
  /** A prefix for the per-epoch result lines (e.g. `pretrain`). */
  readonly label?: string;
  /** Print the result line of every n-th epoch only (and of the first and last; default 1). */
  readonly epochLineEvery?: number;
}

/** `loss=0.4123 accuracy=0.8512` with 4 decimals. */
export function formatMetricValues(metrics: MetricValues, prefix = ''): string {
  return Object.entries(metrics)
    .sort(([a], [b]) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0))
    .map(([name, value]) => `${prefix}${name}=${Number.isFinite(value) ? value.toFixed(4) : value}`)
    .join(' ');
}

/**
 * Ctrl-C stopped training after its checkpoint was written: `runCli` prints the message and exits
 * with status 130.
 */
export class TrainingInterrupted extends Error {
  override readonly name = 'TrainingInterrupted';
}

/** One stdout line per finished epoch. */
export function epochLine(record: EpochRecord, epochs: number, label?: string): string {
  const evalPart = record.eval === undefined ? '' : ` ${formatMetricValues(record.eval, 'val_')}`;
  const rate = record.seconds > 0 ? record.examples / record.seconds : 0;
  return `${label === undefined ? '' : `${label} `}epoch ${record.epoch + 1}/${epochs}: ${formatMetricValues(record.train)}${evalPart} (${formatDuration(record.seconds)}, ${Math.round(rate).toLocaleString('en-US')} examples/s)`;
}

/**
 * Train with `@tensile/train`'s `fit`, printing a line per epoch.
 *
 * @example
 * const result = await runFit({ ctx, backend: 'cpu', key, params, optState, trainStep, trainData, epochs: 2 });
 */
export async function runFit<P, O, B extends BatchData>(
  options: RunFitOptions<P, O, B>,
): Promise<FitResult<P, O>> {
  try {
    return await fitWithLines(options);
  } catch (error) {
    if (error instanceof FitInterrupted) {
      const where =
        error.checkpoint === undefined
          ? 'no checkpoint was written'
          : `checkpoint ${error.checkpoint}; run the same command with --resume to continue`;
      throw new TrainingInterrupted(`interrupted after step ${error.step}: ${where}`);
    }
    throw error;
  }
}

function fitWithLines<P, O, B extends BatchData>(
  options: RunFitOptions<P, O, B>,
): Promise<FitResult<P, O>> {
  const { ctx } = options;
  const userEpochEnd = options.callbacks?.onEpochEnd;
  const userStepEnd = options.callbacks?.onStepEnd;
  // On the CPU backend a whole epoch can run on promise continuations alone, which starves the
  // event loop: Node would never run the SIGINT handler that interrupts `fit`. Yielding to the
  // event loop (setImmediate) every ~100 ms lets Ctrl-C through at a negligible cost.
  let lastYield = performance.now();
  return fit<P, O, B>({
    params: options.params,
    optState: options.optState,
    trainStep: options.trainStep,
    trainData: options.trainData,
    epochs: options.epochs,
    key: options.key,
    backend: options.backend,
    output: ctx.progress,
    exitOnSignal: false,
    ...(ctx.handleSignals ? {} : { signals: [] }),
    ...(options.evalData === undefined ? {} : { evalData: options.evalData }),
    ...(options.evalStep === undefined ? {} : { evalStep: options.evalStep }),
    ...(options.detectNans === undefined ? {} : { detectNans: options.detectNans }),
    ...(options.checkpointDir === undefined
      ? {}
      : {
          checkpoint: {
            dir: options.checkpointDir,
            every: { epochs: 1 },
            keep: 2,
            metadata: options.checkpointMetadata ?? null,
          },
          ...(options.resume === true ? { resumeFrom: 'latest' as const } : {}),
        }),
    callbacks: {
      ...options.callbacks,
      onStepEnd: async (context) => {
        await userStepEnd?.(context);
        if (performance.now() - lastYield > 100) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      },
      onEpochEnd: async (context) => {
        const every = options.epochLineEvery ?? 1;
        const epoch = context.record.epoch + 1;
        if (epoch === 1 || epoch === options.epochs || epoch % every === 0) {
          ctx.out(epochLine(context.record, options.epochs, options.label));
        }
        await userEpochEnd?.(context);
      },
    },
  });
}

/**
 * Write `history.json` (the history plus `summary`), `curves.svg` and `curves.png` into `dir`;
 * returns the paths written.
 *
 * @example
 * const files = await writeRunFiles('runs/cnn', result.history, { testAccuracy: 0.91 });
 */
export async function writeRunFiles(
  dir: string,
  history: History,
  summary: Record<string, unknown>,
  options: { prefix?: string; metrics?: readonly string[] } = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const prefix = options.prefix ?? '';
  const json = join(dir, `${prefix}history.json`);
  await writeFile(json, `${JSON.stringify({ summary, history }, null, 2)}\n`);
  const written = [json];
  if (history.epochs.length > 0) {
    const plotOptions = options.metrics === undefined ? {} : { metrics: options.metrics };
    for (const ext of ['svg', 'png']) {
      const path = join(dir, `${prefix}curves.${ext}`);
      await writePlot(path, history, plotOptions);
      written.push(path);
    }
  }
  return written;
}
