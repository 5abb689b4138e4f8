/**
 * The `tensile` command line: finds the subcommand, parses its options (`node:util` `parseArgs`,
 * strict), runs it and turns failures into an exit status — 2 with the usage for a command-line
 * mistake, 1 with the error's message (Tensile errors name the op, file or shape at fault)
 * otherwise. `runCli` is what `main.ts` runs and what the tests call in-process.
 */
import { parseOptions, UsageError } from './args.js';
import * as bench from './commands/bench.js';
import * as evalCommand from './commands/eval.js';
import * as predict from './commands/predict.js';
import * as trainFashion from './commands/train-fashion-mnist.js';
import * as trainGan from './commands/train-gan.js';
import * as trainSpam from './commands/train-spam.js';
import * as trainSunspots from './commands/train-sunspots.js';
import * as trainTransfer from './commands/train-transfer.js';
import type { CliContext } from './context.js';
import { TrainingInterrupted } from './training.js';

/** A subcommand: its option table, usage text and what it runs. */
interface Command {
  readonly usage: string;
  readonly options: Parameters<typeof parseOptions>[1];
  run(values: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<unknown>;
}

const trainCommands: Record<string, Command> = {
  'fashion-mnist': {
    usage: trainFashion.usage,
    options: trainFashion.options,
    run: (values, ctx) => trainFashion.trainFashionMnist(trainFashion.parse(values), ctx),
  },
  spam: {
    usage: trainSpam.usage,
    options: trainSpam.options,
    run: (values, ctx) => trainSpam.trainSpam(trainSpam.parse(values), ctx),
  },
  gan: {
    usage: trainGan.usage,
    options: trainGan.options,
    run: (values, ctx) => trainGan.trainGan(trainGan.parse(values), ctx),
  },
  transfer: {
    usage: trainTransfer.usage,
    options: trainTransfer.options,
    run: (values, ctx) => trainTransfer.trainTransfer(trainTransfer.parse(values), ctx),
  },
  sunspots: {
    usage: trainSunspots.usage,
    options: trainSunspots.options,
    run: (values, ctx) => trainSunspots.trainSunspots(trainSunspots.parse(values), ctx),
  },
};

const topCommands: Record<string, Command> = {
  eval: {
    usage: evalCommand.usage,
    options: evalCommand.options,
    run: (values, ctx) => evalCommand.evalCheckpoint(evalCommand.parse(values), ctx),
  },
  predict: {
    usage: predict.usage,
    options: predict.options,
    run: (values, ctx) => predict.predictImage(predict.parse(values), ctx),
  },
  bench: {
    usage: bench.usage,
    options: bench.options,
    run: (values, ctx) => bench.runBench(bench.parse(values), ctx),
  },
};

/** The top-level help. */
export const HELP = `tensile — train and run Tensile models from the command line

Usage:
  tensile train fashion-mnist --model cnn|mlp|resnet20 --backend cpu|dawn|auto --epochs N
                              [--batch B --lr X --limit N --out DIR --resume]
  tensile train spam --model lstm|gru      SpamAssassin spam/ham, vs bag-of-words logistic regression
  tensile train gan                        DCGAN on Fashion-MNIST; sample grid; --classifier PATH scores it
  tensile train transfer                   frozen CNN features (classes 0-4) → new head on classes 5-9
  tensile train sunspots --model lstm|gru  one-step-ahead forecast vs naive last value
  tensile eval --checkpoint PATH           Fashion-MNIST test accuracy and confusion matrix
  tensile predict --checkpoint PATH --image N
  tensile bench                            matmul GFLOP/s and MLP/CNN training-step timings

Every command takes --backend cpu|dawn|auto (auto: Dawn on a real GPU adapter, else the CPU)
and --help. Training commands take --epochs, --batch, --lr, --limit (cap the examples: fast
smoke runs), --out DIR and --seed.`;

/**
 * Run the command line `argv` (without `node` and the script); resolves to the exit status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processContext());
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    ctx.out(HELP);
    return first === undefined ? 2 : 0;
  }
  let command: Command | undefined;
  let args: readonly string[];
  let name: string;
  if (first === 'train') {
    if (second === undefined || second === '--help' || second === '-h') {
      ctx.out(HELP);
      return second === undefined ? 2 : 0;
    }
    command = trainCommands[second];
    args = rest;
    name = `train ${second}`;
    if (command === undefined) {
      ctx.warn(
        `tensile: unknown training task '${second}' (one of: ${Object.keys(trainCommands).join(', ')})`,
      );
      return 2;
    }
  } else {
    command = topCommands[first];
    args = argv.slice(1);
    name = first;
    if (command === undefined) {
      ctx.warn(`tensile: unknown command '${first}'. Run 'tensile --help'.`);
      return 2;
    }
  }
  try {
    const { values } = parseOptions(args, command.options);
    if (values.help === true) {
      ctx.out(command.usage);
      return 0;
    }
    await command.run(values, ctx);
    return 0;
  } catch (error) {
    if (error instanceof TrainingInterrupted) {
      ctx.warn(`tensile ${name}: ${error.message}`);
      return 130;
    }
    if (error instanceof UsageError) {
      ctx.warn(`tensile ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    const err = error as Error;
    ctx.warn(`tensile ${name}: ${err.name ?? 'Error'}: ${err.message}`);
    if (process.env.TENSILE_DEBUG === '1' && err.stack !== undefined) ctx.warn(err.stack);
    return 1;
  }
}
