/**
 * Number, duration and metric formatting shared by the progress bar and the plain log lines, so
 * both print the same values the same way.
 */
import type { MetricValues } from './history.js';

/**
 * A metric value with 4 decimals, or 4 significant digits in exponent form when very large or
 * small.
 *
 * @example
 * formatValue(0.123456)  // '0.1235'
 * formatValue(1.5e-6)    // '1.500e-6'
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3).replace('e+', 'e');
  return v.toFixed(4);
}

/**
 * Seconds as `1:02:03`, `2:03` or `4.5s`.
 *
 * @example
 * formatDuration(75)  // '1:15'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * A throughput with thousands separators and no decimals above 100.
 *
 * @example
 * formatRate(12345.6)  // '12,346'
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '?';
  if (perSecond >= 100)
    return Math.round(perSecond)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return perSecond.toFixed(1);
}

/**
 * Metrics as `name=value` pairs (eval metrics prefixed `val_`), `loss` first.
 *
 * @example
 * formatMetrics({ loss: 0.5, accuracy: 0.9 }, { loss: 0.6 }, '=')  // 'loss=0.5000 accuracy=0.9000 val_loss=0.6000'
 */
export function formatMetrics(
  train: MetricValues,
  evalMetrics: MetricValues | undefined,
  separator: string,
): string {
  const order = (m: MetricValues) =>
    Object.keys(m).sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  const parts = order(train).map((k) => `${k}${separator}${formatValue(train[k] as number)}`);
  if (evalMetrics !== undefined) {
    for (const k of order(evalMetrics))
      parts.push(`val_${k}${separator}${formatValue(evalMetrics[k] as number)}`);
  }
  return parts.join(' ');
}
