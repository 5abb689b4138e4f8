/**
 * The terminal progress bar: one line per epoch, redrawn in place (`\r` + erase line) at most every
 * `refreshMs`, showing the epoch, a bar with step/total, the running means of loss and metrics,
 * throughput in examples/s and the epoch's ETA; at the epoch's end the line is completed with the
 * validation metrics and the time taken, and the next epoch starts a new line. Other events
 * (evaluations, checkpoints, early stopping) are printed above the bar.
 */
import { formatDuration, formatMetrics, formatRate } from './format.js';
import {
  describeEvent,
  lineReporter,
  type ReporterService,
  reporterFrom,
  type TextSink,
  type TrainEvent,
} from './reporter.js';

/** Options of `progressBarReporter`. */
export interface ProgressBarOptions {
  /** The terminal to draw on (`process.stderr` in Node). */
  readonly stream: TextSink;
  /** Minimum milliseconds between redraws (default 100); the last step of an epoch always draws. */
  readonly refreshMs?: number;
  /** Characters of the bar itself (default 24). */
  readonly barWidth?: number;
}

const ERASE_LINE = '\r\u001b[2K';

/** `[=======>      ]` for `done` of `total`. */
function bar(done: number, total: number, width: number): string {
  const filled = Math.min(width, Math.floor((done / Math.max(1, total)) * width));
  const head = filled < width && done > 0 ? '>' : '';
  return `[${'='.repeat(filled)}${head}${' '.repeat(Math.max(0, width - filled - head.length))}]`;
}

/**
 * A progress bar for terminals.
 *
 * @example
 * progressBarReporter({ stream: process.stderr })
 * // Epoch 2/10 [==========>             ] 120/469 loss 0.4123 accuracy 0.8512 | 1,234 ex/s ETA 12.3s
 */
export function progressBarReporter(options: ProgressBarOptions): ReporterService {
  const { stream } = options;
  const refreshMs = options.refreshMs ?? 100;
  const barWidth = options.barWidth ?? 24;
  let current: string | undefined; // the bar line on screen, if any
  let lastDraw = Number.NEGATIVE_INFINITY;

  const fit = (line: string) => {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = stream.columns !== undefined && stream.columns > 20 ? stream.columns : 80;
    return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
  };
  const draw = (line: string) => {
    current = fit(line);
    stream.write(`${ERASE_LINE}${current}`);
  };
  const printAbove = (text: string) => {
    stream.write(`${current === undefined ? '' : ERASE_LINE}${text}\n`);
    if (current !== undefined) stream.write(current);
  };

  const stepLine = (e: Extract<TrainEvent, { type: 'step' }>) => {
    const head = `Epoch ${e.epoch + 1}/${e.epochs}`;
    const progress =
      e.stepsPerEpoch === undefined
        ? `step ${e.index}`
        : `${bar(e.index, e.stepsPerEpoch, barWidth)} ${e.index}/${e.stepsPerEpoch}`;
    const eta = e.etaSeconds === undefined ? '' : ` ETA ${formatDuration(e.etaSeconds)}`;
    return `${head} ${progress} ${formatMetrics(e.metrics, undefined, ' ')} | ${formatRate(e.examplesPerSecond)} ex/s${eta}`;
  };

  return reporterFrom((event) => {
    switch (event.type) {
      case 'epochStart':
        current = undefined;
        lastDraw = Number.NEGATIVE_INFINITY;
        return;
      case 'step': {
        const last = event.stepsPerEpoch !== undefined && event.index >= event.stepsPerEpoch;
        if (!last && event.time - lastDraw < refreshMs) return;
        lastDraw = event.time;
        draw(stepLine(event));
        return;
      }
      case 'epochEnd': {
        const r = event.record;
        const rate = r.seconds > 0 ? r.examples / r.seconds : Number.NaN;
        const steps = r.step;
        const line = `Epoch ${r.epoch + 1}/${event.epochs} ${bar(1, 1, barWidth)} ${formatMetrics(r.train, r.eval, ' ')} | ${formatRate(rate)} ex/s ${formatDuration(r.seconds)} (step ${steps})`;
        stream.write(`${current === undefined ? '' : ERASE_LINE}${fit(line)}\n`);
        current = undefined;
        return;
      }
      default: {
        const text = describeEvent(event);
        if (text !== undefined) printAbove(text);
      }
    }
  });
}

/**
 * The progress bar when `stream` is a terminal, plain lines (written to `stream`) otherwise.
 *
 * @example
 * autoReporter(process.stderr)
 */
export function autoReporter(stream: TextSink): ReporterService {
  return stream.isTTY === true
    ? progressBarReporter({ stream })
    : lineReporter({ write: (line) => stream.write(`${line}\n`) });
}
