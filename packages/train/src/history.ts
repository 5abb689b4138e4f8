/**
 * The metrics history `fit` returns and hands to callbacks: one record per epoch (train metrics as
 * example-weighted means over the epoch, the epoch's evaluation, time, examples) and every
 * evaluation with the step it ran at. Plain JSON data, so it goes into checkpoints unchanged and a
 * resumed run continues the same history.
 */

/** Metric values by name. */
export type MetricValues = Readonly<Record<string, number>>;

/** One finished epoch. */
export interface EpochRecord {
  /** The epoch number (0-based). */
  readonly epoch: number;
  /** Global steps completed at the end of the epoch. */
  readonly step: number;
  /** Training metrics: means over the epoch's examples. */
  readonly train: MetricValues;
  /** The last evaluation run during this epoch, if any. */
  readonly eval?: MetricValues;
  /** Wall-clock seconds spent in the epoch (summed across a resume). */
  readonly seconds: number;
  /** Examples seen in the epoch. */
  readonly examples: number;
}

/** One evaluation. */
export interface EvaluationRecord {
  readonly epoch: number;
  readonly step: number;
  readonly metrics: MetricValues;
  readonly seconds: number;
}

/**
 * The whole history of a run.
 *
 * @example
 * const { history } = await fit(options);
 * history.epochs.map((e) => e.train.loss);      // train loss per epoch
 * history.epochs.map((e) => e.eval?.accuracy);  // validation accuracy per epoch
 */
export interface History {
  readonly epochs: readonly EpochRecord[];
  readonly evaluations: readonly EvaluationRecord[];
}

/**
 * The per-epoch series of one metric: train and eval values (`undefined` where missing).
 *
 * @example
 * metricSeries(history, 'loss')  // { train: [0.69, 0.41], eval: [0.52, 0.40] }
 */
export function metricSeries(
  history: History,
  metric: string,
): { train: Array<number | undefined>; eval: Array<number | undefined> } {
  return {
    train: history.epochs.map((e) => e.train[metric]),
    eval: history.epochs.map((e) => e.eval?.[metric]),
  };
}

/**
 * The metric names that appear in a history (train or eval), `loss` first, then in order of first
 * appearance.
 *
 * @example
 * metricNames(history)  // ['loss', 'accuracy']
 */
export function metricNames(history: History): string[] {
  const names = new Set<string>();
  for (const e of history.epochs) {
    for (const k of Object.keys(e.train)) names.add(k);
    for (const k of Object.keys(e.eval ?? {})) names.add(k);
  }
  return [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
}

/** Example-weighted running means of a stream of metric values. */
export class MetricAccumulator {
  constructor(
    private sums: Record<string, number> = {},
    /** Examples accumulated. */
    public examples = 0,
    /** Batches accumulated. */
    public batches = 0,
  ) {}

  /** Add one batch's metrics (means over its `size` examples). */
  add(values: MetricValues, size: number): void {
    for (const [k, v] of Object.entries(values)) this.sums[k] = (this.sums[k] ?? 0) + v * size;
    this.examples += size;
    this.batches += 1;
  }

  /** The means so far. */
  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.sums))
      out[k] = this.examples === 0 ? Number.NaN : v / this.examples;
    return out;
  }

  /** A JSON snapshot (for checkpoints). */
  toJSON(): { sums: Record<string, number>; examples: number; batches: number } {
    return { sums: { ...this.sums }, examples: this.examples, batches: this.batches };
  }

  /** Restore a snapshot. */
  static fromJSON(json: {
    sums: Record<string, number>;
    examples: number;
    batches: number;
  }): MetricAccumulator {
    return new MetricAccumulator({ ...json.sums }, json.examples, json.batches);
  }
}
