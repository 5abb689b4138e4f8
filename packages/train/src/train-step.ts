/**
 * The contract between the loop and the model code: a *train step* is a (usually jitted) pure
 * function `(params, optState, batch, key?) → [metrics, params, optState]`, an *eval step*
 * `(params, batch) → metrics`, where metrics are scalar tensors by name (`loss` first of all).
 * `makeTrainStep` builds both from a loss function and an `@tensile/optim` optimizer, Optax style:
 * `valueAndGrad`, `update`, `applyUpdates`, all under one `jit` that donates the old params and
 * state so they are updated in place.
 */
import { type JittedFunction, jit, type Tensor, ValueError, valueAndGrad } from '@tensile/core';
import { applyUpdates, type GradientTransformation } from '@tensile/optim';

/** Named scalar tensors a step returns (`loss`, `accuracy`, …). Each is read and disposed by the loop. */
export type Metrics = Readonly<Record<string, Tensor>>;

/** A batch's tensors by column name (what a `@tensile/data` `Batch` holds in `data`). */
export type BatchData = Readonly<Record<string, Tensor>>;

/**
 * One optimisation step. It receives the current params and optimizer state and returns new ones;
 * whatever of the old ones it does not return (or donate) the loop disposes. `key` is
 * `random.foldIn(fitKey, step)` when `fit` was given a `key`, else `undefined`.
 *
 * @example
 * const step: TrainStep<Params, OptState, { x: Tensor; y: Tensor }> = jit(
 *   (params, optState, batch, key) => { ...; return [{ loss }, newParams, newOptState]; },
 *   { donateArgnums: [0, 1] },
 * );
 */
export type TrainStep<P, O, B extends BatchData = BatchData> = (
  params: P,
  optState: O,
  batch: B,
  key: Tensor | undefined,
) => readonly [Metrics, P, O];

/**
 * Metrics of the model on one batch, without changing it. Means over the batch: the loop weights
 * them by batch size to average over a data set.
 *
 * @example
 * const evalStep: EvalStep<Params, Batch> = jit((params, batch) => ({ loss: lossFn(params, batch) }));
 */
export type EvalStep<P, B extends BatchData = BatchData> = (params: P, batch: B) => Metrics;

/**
 * A loss function: a scalar loss for the params on a batch, or `[loss, metrics]` with `hasAux`
 * (metrics: a record of scalar tensors such as `{ accuracy }`). `key` is the step's PRNG key in
 * training and `undefined` in evaluation, so `train: key !== undefined` switches dropout and the like.
 *
 * @example
 * const lossFn: LossFn<Params, Batch> = (p, { x, y }) => nn.softmaxCrossEntropy(model(p, x), y);
 */
export type LossFn<P, B extends BatchData = BatchData> = (
  params: P,
  batch: B,
  key: Tensor | undefined,
) => Tensor | readonly [Tensor, Metrics];

/** Options of `makeTrainStep`. */
export interface MakeTrainStepOptions {
  /** The loss function returns `[loss, metrics]` (default false). */
  readonly hasAux?: boolean;
  /** Donate the params and optimizer state to the step so it can update them in place (default true). */
  readonly donate?: boolean;
}

/** A train step built by `makeTrainStep`, with the matching eval step. Dispose it when done. */
export interface BuiltTrainStep<P, O, B extends BatchData> extends TrainStep<P, O, B>, Disposable {
  /** The same loss (and metrics) on a batch, without a key and without updating anything. */
  readonly evalStep: EvalStep<P, B>;
  /** The jitted step itself (for `lower`, `cacheSize`). */
  readonly jitted: JittedFunction<[P, O, B, Tensor | undefined], readonly [Metrics, P, O]>;
  /** Drop the compiled programs of both steps. */
  dispose(): void;
}

/** `[loss, metrics]` of a loss function's result, checking the `hasAux` shape. */
function lossAndMetrics(out: Tensor | readonly [Tensor, Metrics], hasAux: boolean): Metrics {
  if (!hasAux) return { loss: out as Tensor };
  if (!Array.isArray(out) || out.length !== 2) {
    throw new ValueError(
      'makeTrainStep: with hasAux the loss function must return [loss, metrics]',
    );
  }
  const [loss, aux] = out as readonly [Tensor, Metrics];
  return { loss, ...aux };
}

/**
 * A jitted train step (and eval step) from a loss function and an optimizer:
 * `valueAndGrad(lossFn)` → `optimizer.update` → `applyUpdates`, compiled once per batch shape.
 *
 * @example
 * const lossFn = (p, { x, y }, _key) => {
 *   const logits = x.matmul(p.w).add(p.b);
 *   return [nn.softmaxCrossEntropy(logits, y), { accuracy: nn.accuracy(logits, y) }] as const;
 * };
 * using step = makeTrainStep(lossFn, adam(1e-2), { hasAux: true });
 * const result = await fit({ params, optState: adam(1e-2).init(params), trainStep: step, ... });
 */
export function makeTrainStep<P, O, B extends BatchData>(
  lossFn: LossFn<P, B>,
  optimizer: GradientTransformation<O>,
  options: MakeTrainStepOptions = {},
): BuiltTrainStep<P, O, B> {
  if (typeof lossFn !== 'function')
    throw new ValueError('makeTrainStep: lossFn must be a function');
  if (typeof optimizer?.update !== 'function') {
    throw new ValueError(
      'makeTrainStep: optimizer must be a GradientTransformation ({ init, update })',
    );
  }
  const hasAux = options.hasAux ?? false;
  const donate = options.donate ?? true;
  const jitted = jit(
    (params: P, optState: O, batch: B, key: Tensor | undefined): readonly [Metrics, P, O] => {
      const [out, grads] = valueAndGrad(
        (p: P) => {
          const result = lossFn(p, batch, key);
          return hasAux ? result : (result as Tensor);
        },
        { hasAux },
      )(params);
      const metrics = lossAndMetrics(out as Tensor | readonly [Tensor, Metrics], hasAux);
      const [updates, next] = optimizer.update(grads, optState, params);
      return [metrics, applyUpdates(params, updates) as P, next];
    },
    { donateArgnums: donate ? [0, 1] : [], name: 'trainStep' },
  );
  const evalJitted = jit(
    (params: P, batch: B): Metrics => lossAndMetrics(lossFn(params, batch, undefined), hasAux),
    { name: 'evalStep' },
  );
  const step = ((params: P, optState: O, batch: B, key: Tensor | undefined) =>
    jitted(params, optState, batch, key)) as BuiltTrainStep<P, O, B>;
  const dispose = () => {
    jitted.dispose();
    evalJitted.dispose();
  };
  return Object.assign(step, {
    evalStep: (params: P, batch: B) => evalJitted(params, batch),
    jitted,
    dispose,
    [Symbol.dispose]: dispose,
  });
}

/**
 * A jitted eval step from a metrics function (for `evaluate`, or `fit`'s `evalStep`).
 *
 * @example
 * using evalStep = makeEvalStep((p, { x, y }) => ({ loss: mse(predict(p, x), y) }));
 * const metrics = await evaluate({ params, evalStep, data: () => testBatches });
 */
export function makeEvalStep<P, B extends BatchData>(
  metricsFn: (params: P, batch: B) => Metrics,
): EvalStep<P, B> & Disposable & { dispose(): void } {
  if (typeof metricsFn !== 'function')
    throw new ValueError('makeEvalStep: metricsFn must be a function');
  const jitted = jit((params: P, batch: B) => metricsFn(params, batch), { name: 'evalStep' });
  const step = (params: P, batch: B) => jitted(params, batch);
  const dispose = () => jitted.dispose();
  return Object.assign(step, { dispose, [Symbol.dispose]: dispose });
}
