/**
 * The geometry of a training-curve chart, shared by the SVG writer and the PNG rasterizer so both
 * draw the same picture: one panel per metric side by side (as the book's matplotlib figures), x =
 * epoch (1-based), y = metric value with "nice" ticks (1, 2, 5 × 10ⁿ), a train series (solid, blue)
 * and a validation series (dashed, orange) with a marker per epoch, and a legend.
 */
import { type History, metricNames } from '../history.js';

/** Options of `plotHistory` and `rasterizeHistory`. */
export interface PlotOptions {
  /** The metrics to draw, one panel each (default: every metric in the history, `loss` first). */
  readonly metrics?: readonly string[];
  /** Total width in pixels (default 380 per panel). */
  readonly width?: number;
  /** Height in pixels (default 300). */
  readonly height?: number;
  /** Legend labels (default `'train'`, `'validation'`). */
  readonly trainLabel?: string;
  readonly evalLabel?: string;
}

export type Point = readonly [number, number];

/** One series in a panel. */
export interface SeriesLayout {
  readonly kind: 'train' | 'validation';
  readonly label: string;
  readonly color: string;
  /** `[on, off]` in pixels for a dashed line. */
  readonly dash: readonly [number, number] | undefined;
  /** Connected runs of points (a missing value breaks the line). */
  readonly segments: readonly (readonly Point[])[];
  /** Every drawn point with its epoch (1-based) and value. */
  readonly points: ReadonlyArray<{ x: number; y: number; epoch: number; value: number }>;
}

/** A tick: its value, pixel position and label. */
export interface Tick {
  readonly value: number;
  readonly position: number;
  readonly label: string;
}

/** One panel (one metric). */
export interface PanelLayout {
  readonly metric: string;
  /** The panel's box in the figure. */
  readonly x: number;
  readonly width: number;
  /** The plot area. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly series: readonly SeriesLayout[];
  /** The legend box (top-right of the plot area), when there is a series. */
  readonly legend:
    | {
        readonly x: number;
        readonly y: number;
        readonly width: number;
        readonly height: number;
        readonly rowHeight: number;
      }
    | undefined;
}

/** The whole figure. */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly panels: readonly PanelLayout[];
}

export const COLORS = {
  train: '#1f77b4',
  validation: '#ff7f0e',
  axis: '#333333',
  grid: '#e6e6e6',
  text: '#222222',
  background: '#ffffff',
} as const;

/** Characters are ~6 px wide in both renderers' small font. */
const CHAR_WIDTH = 6;

/**
 * A "nice" step (1, 2 or 5 × 10ⁿ) at least `raw`.
 *
 * @example
 * niceStep(0.37)  // 0.5
 */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exponent = Math.floor(Math.log10(raw));
  const base = 10 ** exponent;
  const f = raw / base;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * base;
}

/** Decimals needed to print multiples of `step` exactly enough. */
function decimalsFor(step: number): number {
  return Math.min(8, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Nice y bounds and ticks covering `values`. */
function yScale(values: number[]): { min: number; max: number; step: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (values.length === 0) {
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 0.5;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 5);
  return { min: Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step, step };
}

/**
 * The layout of `history`'s curves.
 *
 * @example
 * const layout = chartLayout(history, { metrics: ['loss', 'accuracy'] });
 */
export function chartLayout(history: History, options: PlotOptions = {}): ChartLayout {
  const metrics = options.metrics ?? metricNames(history);
  const count = Math.max(1, metrics.length);
  const width = Math.round(options.width ?? 380 * count);
  const height = Math.round(options.height ?? 300);
  const panelWidth = width / count;
  const epochs = history.epochs.length;
  const xMin = 1;
  const xMax = Math.max(2, epochs);
  const xStep = Math.max(1, Math.ceil(niceStep((xMax - xMin) / 8)));
  const labels = {
    train: options.trainLabel ?? 'train',
    validation: options.evalLabel ?? 'validation',
  };

  const panels = metrics.map((metric, k): PanelLayout => {
    const x = k * panelWidth;
    const train = history.epochs.map((e) => e.train[metric]);
    const validation = history.epochs.map((e) => e.eval?.[metric]);
    const finite = [...train, ...validation].filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
    const y = yScale(finite);
    const yDecimals = decimalsFor(y.step);
    const yLabelWidth =
      Math.max(
        ...Array.from(
          { length: Math.round((y.max - y.min) / y.step) + 1 },
          (_, i) => (y.min + i * y.step).toFixed(yDecimals).length,
        ),
      ) * CHAR_WIDTH;
    const left = Math.round(x + 14 + yLabelWidth + 8);
    const right = Math.round(x + panelWidth - 16);
    const top = 32;
    const bottom = height - 40;
    const pad = 8; // keep end markers off the axes
    const px = (epoch: number) =>
      left + pad + ((epoch - xMin) / (xMax - xMin)) * (right - left - 2 * pad);
    const py = (value: number) => bottom - ((value - y.min) / (y.max - y.min)) * (bottom - top);

    const xTicks: Tick[] = [];
    for (let e = xStep === 1 ? 1 : xStep; e <= xMax; e += xStep)
      xTicks.push({ value: e, position: px(e), label: String(e) });
    const yTicks: Tick[] = [];
    for (let i = 0; y.min + i * y.step <= y.max + y.step * 1e-9; i++) {
      const value = y.min + i * y.step;
      yTicks.push({ value, position: py(value), label: value.toFixed(yDecimals) });
    }

    const seriesOf = (
      kind: 'train' | 'validation',
      values: Array<number | undefined>,
    ): SeriesLayout | undefined => {
      const points: Array<{ x: number; y: number; epoch: number; value: number }> = [];
      const segments: Point[][] = [];
      let run: Point[] = [];
      values.forEach((value, i) => {
        if (value === undefined || !Number.isFinite(value)) {
          if (run.length > 0) segments.push(run);
          run = [];
          return;
        }
        const point = { x: px(i + 1), y: py(value), epoch: i + 1, value };
        points.push(point);
        run.push([point.x, point.y]);
      });
      if (run.length > 0) segments.push(run);
      if (points.length === 0) return undefined;
      return {
        kind,
        label: labels[kind],
        color: COLORS[kind],
        dash: kind === 'validation' ? [6, 4] : undefined,
        segments,
        points,
      };
    };
    const series = [seriesOf('train', train), seriesOf('validation', validation)].filter(
      (s): s is SeriesLayout => s !== undefined,
    );
    const rowHeight = 14;
    const legendWidth = 34 + Math.max(0, ...series.map((s) => s.label.length)) * CHAR_WIDTH;
    const legendHeight = series.length * rowHeight + 6;
    const legend =
      series.length === 0
        ? undefined
        : {
            ...legendPlace(series, legendWidth, legendHeight, { left, right, top, bottom }),
            width: legendWidth,
            height: legendHeight,
            rowHeight,
          };
    return {
      metric,
      x,
      width: panelWidth,
      left,
      right,
      top,
      bottom,
      xTicks,
      yTicks,
      series,
      legend,
    };
  });
  return { width, height, panels };
}

/**
 * Where the legend covers the least of the data (as matplotlib's `loc="best"`): the corner of the
 * plot area whose box holds the fewest samples of the series' lines and markers; ties go to the
 * top right, then bottom right, top left, bottom left.
 */
function legendPlace(
  series: readonly SeriesLayout[],
  width: number,
  height: number,
  area: { left: number; right: number; top: number; bottom: number },
): { x: number; y: number } {
  const samples: Point[] = [];
  for (const s of series) {
    for (const segment of s.segments) {
      for (let k = 1; k < segment.length; k++) {
        const [x0, y0] = segment[k - 1] as Point;
        const [x1, y1] = segment[k] as Point;
        const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 2));
        for (let i = 0; i <= n; i++)
          samples.push([x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
      }
    }
    for (const p of s.points) samples.push([p.x, p.y]);
  }
  const margin = 6;
  const corners = [
    { x: area.right - width - margin, y: area.top + margin },
    { x: area.right - width - margin, y: area.bottom - height - margin },
    { x: area.left + margin, y: area.top + margin },
    { x: area.left + margin, y: area.bottom - height - margin },
  ];
  const covered = (c: { x: number; y: number }) =>
    samples.filter(
      ([x, y]) => x >= c.x - 4 && x <= c.x + width + 4 && y >= c.y - 4 && y <= c.y + height + 4,
    ).length;
  let best = corners[0] as { x: number; y: number };
  let bestCount = covered(best);
  for (const c of corners.slice(1)) {
    const count = covered(c);
    if (count < bestCount) {
      best = c;
      bestCount = count;
    }
  }
  return best;
}
