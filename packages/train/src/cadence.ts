/**
 * When to evaluate or checkpoint: every N steps, every N epochs, or on an Effect `Schedule`.
 *
 * A `Schedule` fires the action once per recurrence, each after the schedule's delay, with time
 * from the Effect `Clock` and checked at step ends: the first delay counts from the start of
 * training, each next one from the step end that fired. So `Schedule.spaced('10 minutes')`
 * checkpoints every ten minutes of training, `Schedule.spaced('10 minutes').pipe(Schedule.upTo({
 * times: 5 }))` at most five times, `Schedule.recurs(3)` after each of the first three steps, and
 * `Schedule.forever` after every step. The schedule's input is the position (`StepInfo`).
 */
import { ValueError } from '@tensile/core';
import { Cause, Clock, Duration, Effect, Exit, Pull, Schedule } from 'effect';

/** Where the loop is when a cadence is consulted. */
export interface StepInfo {
  /** Global steps completed so far. */
  readonly step: number;
  /** The current epoch (0-based). */
  readonly epoch: number;
  /** Batches completed in this epoch. */
  readonly index: number;
}

/**
 * Every `steps` optimisation steps, every `epochs` epochs (at epoch ends), or a `Schedule`.
 *
 * @example
 * evaluateEvery: { epochs: 1 }
 * checkpoint: { dir: 'runs/a', every: { steps: 500 } }
 * checkpoint: { dir: 'runs/a', every: Schedule.spaced('15 minutes') }
 */
export type Cadence =
  | { readonly steps: number }
  | { readonly epochs: number }
  | Schedule.Schedule<unknown, StepInfo>;

/** Decides, at step and epoch ends, whether an action is due. */
export interface Trigger {
  atStepEnd(info: StepInfo): Effect.Effect<boolean>;
  atEpochEnd(epoch: number): boolean;
}

/** Throw a `ValueError` unless `cadence` is a valid cadence. */
export function checkCadence(op: string, what: string, cadence: unknown): void {
  if (Schedule.isSchedule(cadence)) return;
  const c = cadence as { steps?: unknown; epochs?: unknown } | null;
  const n = c?.steps ?? c?.epochs;
  const keys = c === null || typeof c !== 'object' ? [] : Object.keys(c);
  if (keys.length !== 1 || typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ValueError(
      `${op}: ${what} must be { steps: n }, { epochs: n } (n a positive integer) or a Schedule, got ${JSON.stringify(cadence)}`,
    );
  }
}

const never: Trigger = {
  atStepEnd: () => Effect.succeed(false),
  atEpochEnd: () => false,
};

/**
 * A trigger for `cadence` (never fires when `undefined`). `completedSteps`/`completedEpochs`-based
 * cadences are pure functions of the position, so they fire identically after a resume.
 *
 * @internal
 */
export function makeTrigger(cadence: Cadence | undefined): Effect.Effect<Trigger> {
  if (cadence === undefined) return Effect.succeed(never);
  if (!Schedule.isSchedule(cadence)) {
    if ('steps' in cadence) {
      const n = cadence.steps;
      return Effect.succeed({
        atStepEnd: (info) => Effect.succeed(info.step % n === 0),
        atEpochEnd: () => false,
      });
    }
    const n = cadence.epochs;
    return Effect.succeed({
      atStepEnd: () => Effect.succeed(false),
      atEpochEnd: (epoch) => (epoch + 1) % n === 0,
    });
  }
  return Effect.gen(function* () {
    const step = yield* Schedule.toStep(cadence);
    // Ask the schedule for its next delay at `now`; undefined once it is done.
    const next = (now: number, info: StepInfo) =>
      Effect.gen(function* () {
        const decision = yield* Effect.exit(step(now, info));
        if (Exit.isSuccess(decision)) return now + Duration.toMillis(decision.value[1]);
        if (Pull.isDoneCause(decision.cause)) return undefined;
        return yield* Effect.die(Cause.squash(decision.cause));
      });
    let due = yield* next(yield* Clock.currentTimeMillis, { step: 0, epoch: 0, index: 0 });
    return {
      atEpochEnd: () => false,
      atStepEnd: (info) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis;
          if (due === undefined || now < due) return false;
          due = yield* next(now, info);
          return true;
        }),
    };
  });
}
