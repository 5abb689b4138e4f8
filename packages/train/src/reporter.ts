/**
 * Progress reporting as a small Effect service. The loop emits structured `TrainEvent`s (start,
 * step, evaluation, epoch end, checkpoint, …) to the `Reporter` in its context; a reporter turns
 * them into output: a progress bar on a terminal (`progressBarReporter`), plain log lines for CI
 * and files (`lineReporter`), Effect log entries (`logReporter`), nothing (`silentReporter`), or a
 * list a test can inspect (`collectingReporter`). `autoReporter(stream)` picks the bar or the lines
 * by `stream.isTTY`.
 */
import { Context, Effect, Layer } from 'effect';
import { formatDuration, formatMetrics, formatRate, formatValue } from './format.js';
import type { EpochRecord, History, MetricValues } from './history.js';

/** Why a run ended. */
export type StopReason = 'completed' | 'early-stopping' | 'stopped';

/** What the training loop reports. */
export type TrainEvent =
  | {
      readonly type: 'start';
      readonly epochs: number;
      readonly startEpoch: number;
      readonly startStep: number;
      readonly stepsPerEpoch: number | undefined;
    }
  | {
      readonly type: 'resumed';
      readonly path: string;
      readonly step: number;
      readonly epoch: number;
      readonly index: number;
    }
  | {
      readonly type: 'epochStart';
      readonly epoch: number;
      readonly epochs: number;
      readonly stepsPerEpoch: number | undefined;
    }
  | {
      readonly type: 'step';
      readonly epoch: number;
      readonly epochs: number;
      /** Batches done in this epoch (including those before a resume). */
      readonly index: number;
      readonly stepsPerEpoch: number | undefined;
      /** Global steps completed. */
      readonly step: number;
      /** Running means over the epoch so far. */
      readonly metrics: MetricValues;
      /** The metrics of the step just finished. */
      readonly last: MetricValues;
      readonly examplesPerSecond: number;
      /** Seconds left in the epoch, when the epoch's length is known. */
      readonly etaSeconds: number | undefined;
      readonly elapsedSeconds: number;
      /** Clock time (ms) of the report, for throttling. */
      readonly time: number;
    }
  | {
      readonly type: 'evaluation';
      readonly epoch: number;
      readonly step: number;
      readonly metrics: MetricValues;
      readonly seconds: number;
    }
  | { readonly type: 'epochEnd'; readonly record: EpochRecord; readonly epochs: number }
  | {
      readonly type: 'checkpoint';
      readonly step: number;
      readonly path: string;
      readonly reason: 'schedule' | 'interrupt' | 'end';
    }
  | {
      readonly type: 'earlyStopping';
      readonly epoch: number;
      readonly monitor: string;
      readonly best: number;
      readonly bestEpoch: number;
      readonly patience: number;
    }
  | { readonly type: 'interrupted'; readonly step: number; readonly checkpoint: string | undefined }
  | {
      readonly type: 'end';
      readonly reason: StopReason;
      readonly step: number;
      readonly history: History;
    };

/** A reporter: receives every event of a run. */
export interface ReporterService {
  readonly report: (event: TrainEvent) => Effect.Effect<void>;
}

/** Where text reporters write: `process.stderr`/`process.stdout` fit, and so does a test double. */
export interface TextSink {
  write(text: string): unknown;
  /** True for a terminal: the progress bar redraws in place. */
  readonly isTTY?: boolean;
  /** Terminal width (default 80). */
  readonly columns?: number;
}

/**
 * A reporter from a plain function.
 *
 * @example
 * const reporter = reporterFrom((event) => { if (event.type === 'epochEnd') console.log(event.record); });
 */
export function reporterFrom(onEvent: (event: TrainEvent) => void): ReporterService {
  return { report: (event) => Effect.sync(() => onEvent(event)) };
}

/**
 * Reports nothing.
 *
 * @example
 * await fit({ ...options, reporter: silentReporter });
 */
export const silentReporter: ReporterService = { report: () => Effect.void };

/**
 * A reporter that keeps every event (for tests and custom dashboards).
 *
 * @example
 * const { reporter, events } = collectingReporter();
 * await fit({ ...options, reporter });
 * events.filter((e) => e.type === 'checkpoint');
 */
export function collectingReporter(): { reporter: ReporterService; events: TrainEvent[] } {
  const events: TrainEvent[] = [];
  return { reporter: reporterFrom((e) => void events.push(e)), events };
}

/** The text of the lines every text reporter prints for events other than steps. */
export function describeEvent(event: TrainEvent): string | undefined {
  switch (event.type) {
    case 'start':
      return event.startStep > 0
        ? `training from epoch ${event.startEpoch + 1}/${event.epochs}, step ${event.startStep}`
        : undefined;
    case 'resumed':
      return `resumed from ${event.path} (step ${event.step}, epoch ${event.epoch + 1}, batch ${event.index})`;
    case 'evaluation':
      return `evaluation at step ${event.step} (epoch ${event.epoch + 1}): ${formatMetrics(event.metrics, undefined, '=')} (${formatDuration(event.seconds)})`;
    case 'epochEnd': {
      const r = event.record;
      const rate = r.seconds > 0 ? r.examples / r.seconds : Number.NaN;
      return `epoch ${r.epoch + 1}/${event.epochs} done in ${formatDuration(r.seconds)}: ${formatMetrics(r.train, r.eval, '=')} (${formatRate(rate)} examples/s)`;
    }
    case 'checkpoint':
      return `checkpoint (${event.reason}) step ${event.step} -> ${event.path}`;
    case 'earlyStopping':
      return `early stopping after epoch ${event.epoch + 1}: ${event.monitor} has not improved on ${formatValue(event.best)} (epoch ${event.bestEpoch + 1}) for ${event.patience + 1} epoch(s)`;
    case 'interrupted':
      return event.checkpoint === undefined
        ? `interrupted after step ${event.step} (no checkpoint directory configured)`
        : `interrupted after step ${event.step}; saved ${event.checkpoint}; resume with resumeFrom: 'latest'`;
    case 'end':
      return `training ${event.reason === 'completed' ? 'finished' : event.reason === 'early-stopping' ? 'stopped early' : 'stopped'} after ${event.step} steps`;
    default:
      return undefined;
  }
}

/** Options of `lineReporter`. */
export interface LineReporterOptions {
  /** Where lines go (default `console.log`). */
  readonly write?: (line: string) => void;
  /**
   * Print a step line every this many steps (default: about ten per epoch when its length is
   * known, else every 100 steps). Epoch summaries, evaluations and checkpoints always print.
   */
  readonly everySteps?: number;
}

/**
 * Plain log lines (non-TTY output, CI logs, files): periodic step lines and one line per epoch,
 * evaluation, checkpoint and stop.
 *
 * @example
 * lineReporter({ write: (line) => process.stdout.write(`${line}\n`) })
 * // epoch 1/5 step 47/469 loss=0.6931 accuracy=0.5120 1,234 examples/s eta 12.3s
 * // epoch 1/5 done in 14.1s: loss=0.4123 accuracy=0.8512 val_loss=0.4201 val_accuracy=0.8490 (4,255 examples/s)
 */
export function lineReporter(options: LineReporterOptions = {}): ReporterService {
  const write = options.write ?? ((line: string) => console.log(line));
  return reporterFrom((event) => {
    if (event.type === 'step') {
      const every =
        options.everySteps ??
        (event.stepsPerEpoch === undefined
          ? 100
          : Math.max(1, Math.ceil(event.stepsPerEpoch / 10)));
      const last = event.stepsPerEpoch !== undefined && event.index === event.stepsPerEpoch;
      if (event.index % every !== 0 || last) return;
      const total = event.stepsPerEpoch === undefined ? '' : `/${event.stepsPerEpoch}`;
      const eta = event.etaSeconds === undefined ? '' : ` eta ${formatDuration(event.etaSeconds)}`;
      write(
        `epoch ${event.epoch + 1}/${event.epochs} step ${event.index}${total} ${formatMetrics(event.metrics, undefined, '=')} ${formatRate(event.examplesPerSecond)} examples/s${eta}`,
      );
      return;
    }
    const line = describeEvent(event);
    if (line !== undefined) write(line);
  });
}

/**
 * Effect log entries (`Effect.logInfo`) for the same lines `lineReporter` prints, so the run's
 * progress goes wherever the program's `Logger` sends it.
 *
 * @example
 * Effect.provide(fitEffect(options), Layer.mergeAll(cpuBackendLayer(), reporterLayer(logReporter())))
 */
export function logReporter(options: Omit<LineReporterOptions, 'write'> = {}): ReporterService {
  const lines: string[] = [];
  const inner = lineReporter({ ...options, write: (line) => void lines.push(line) });
  return {
    report: (event) =>
      Effect.flatMap(inner.report(event), () =>
        Effect.forEach(lines.splice(0), (line) => Effect.logInfo(line), { discard: true }),
      ),
  };
}

/**
 * The reporter the loop reports to (a `Context.Reference`: it has a default). Defaults to
 * `lineReporter()` (console lines); provide another with `reporterLayer(r)` or
 * `Effect.provideService(Reporter, r)`.
 *
 * @example
 * Effect.provideService(fitEffect(options), Reporter, progressBarReporter({ stream: process.stderr }))
 */
export const Reporter: Context.Reference<ReporterService> = Context.Reference<ReporterService>(
  '@tensile/train/Reporter',
  { defaultValue: () => lineReporter() },
);

/**
 * A layer providing `reporter` as the `Reporter`.
 *
 * @example
 * Effect.provide(fitEffect(options), Layer.mergeAll(cpuBackendLayer(), reporterLayer(silentReporter)))
 */
export function reporterLayer(reporter: ReporterService): Layer.Layer<never> {
  return Layer.succeed(Reporter, reporter);
}
