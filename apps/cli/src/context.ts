/**
 * Where a command's output goes. Results (the lines a user or a script reads: data, model, per-epoch
 * metrics, test accuracy, files written) go to `out` (stdout); notices and the training progress
 * (bar on a terminal, plain lines otherwise) go to `progress` (stderr). Tests pass a collecting
 * context to run the commands in-process and read what they printed.
 */
import type { TextSink } from '@tensile/train';

/** The output channels and process-level switches a command runs with. */
export interface CliContext {
  /** A result line (stdout). */
  readonly out: (line: string) => void;
  /** A notice or warning line (stderr). */
  readonly warn: (line: string) => void;
  /** Where the training loop draws its progress (stderr: a bar on a terminal, lines otherwise). */
  readonly progress: TextSink;
  /** Turn Ctrl-C into "checkpoint, then exit 130" during training (the real CLI; not in tests). */
  readonly handleSignals: boolean;
}

/**
 * The context of the real command: stdout for results, stderr for progress and notices.
 *
 * @example
 * await runCli(process.argv.slice(2), processContext());
 */
export function processContext(): CliContext {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
    progress: process.stderr,
    handleSignals: true,
  };
}

/** A context that records everything, for tests. */
export interface CollectingContext extends CliContext {
  /** Result lines. */
  readonly lines: string[];
  /** Notice lines and progress text. */
  readonly notices: string[];
  /** Everything printed, results and notices, as one string. */
  text(): string;
}

/**
 * A context that keeps every line (progress as plain lines), for running commands in tests.
 *
 * @example
 * const ctx = collectingContext();
 * await trainSunspots({ model: 'gru', epochs: 1 }, ctx);
 * expect(ctx.text()).toMatch(/naive last-value MSE/);
 */
export function collectingContext(options: { echo?: boolean } = {}): CollectingContext {
  const lines: string[] = [];
  const notices: string[] = [];
  const echo = options.echo === true;
  return {
    lines,
    notices,
    out: (line) => {
      lines.push(line);
      if (echo) process.stdout.write(`${line}\n`);
    },
    warn: (line) => {
      notices.push(line);
      if (echo) process.stderr.write(`${line}\n`);
    },
    progress: {
      write: (text: string) => {
        notices.push(text.replace(/\n$/, ''));
        if (echo) process.stderr.write(text);
      },
      isTTY: false,
    },
    handleSignals: false,
    text: () => [...lines, ...notices].join('\n'),
  };
}
