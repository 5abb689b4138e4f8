/**
 * Turn the peer benchmark's measurements into its two outputs: one JSON object
 * `{workload: {peer: value}}` (GFLOP/s for matmul, median ms per step otherwise, or the reason a
 * peer could not run) and a Markdown report with the raw numbers, the Tensile-vs-peer ratios,
 * the check that every library computed the same thing, and what actually ran.
 */
import type { Measurement } from './measure.js';
import {
  PEER_LABELS,
  PEERS,
  type PeerId,
  WORKLOAD_INFO,
  WORKLOADS,
  type WorkloadId,
} from './spec.js';

/** A measurement, or why there is none. */
export type Outcome = Measurement | { readonly reason: string };

/** Everything one run produced. */
export interface RunResults {
  /** Outcomes by workload and peer (only the peers and workloads that were run). */
  readonly outcomes: Partial<Record<WorkloadId, Partial<Record<PeerId, Outcome>>>>;
  /** What each peer reported from `setup`, or why it failed. */
  readonly setups: Partial<Record<PeerId, string>>;
  /** Each peer's departures from the common workload definitions. */
  readonly deviations: Partial<Record<PeerId, Partial<Record<WorkloadId, string>>>>;
  /** Free-form facts about the run (machine, load), one per line. */
  readonly environment: readonly string[];
}

const isMeasurement = (o: Outcome | undefined): o is Measurement => o !== undefined && 'ms' in o;

/** The reported value: GFLOP/s for workloads with a flop count, milliseconds otherwise. */
function value(workload: WorkloadId, m: Measurement): number {
  const flops = WORKLOAD_INFO[workload].flops;
  return flops === undefined ? m.ms : flops / (m.ms * 1e6);
}

const round = (x: number): number => Number(x.toPrecision(4));

/**
 * The JSON object `{workload: {peer: number | reason}}`.
 *
 * @example
 * console.log(JSON.stringify(toJson(results), null, 2));
 */
export function toJson(results: RunResults): Record<string, Record<string, number | string>> {
  const out: Record<string, Record<string, number | string>> = {};
  for (const workload of WORKLOADS) {
    const row = results.outcomes[workload];
    if (!row) continue;
    out[workload] = {};
    for (const peer of PEERS) {
      const o = row[peer];
      if (o) out[workload][peer] = isMeasurement(o) ? round(value(workload, o)) : o.reason;
    }
  }
  return out;
}

/** A number for a table cell: 3 significant digits, no exponent. */
function fmt(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3)));
}

function cell(workload: WorkloadId, o: Outcome | undefined): string {
  if (!o) return '';
  if (!isMeasurement(o)) return o.reason.split(':')[0] ?? o.reason;
  return `${fmt(value(workload, o))} (${o.samples || 'first'})`;
}

/** Tensile time over peer time, with which side is faster and by how much. */
function ratio(tensile: Outcome | undefined, peer: Outcome | undefined, label: string): string {
  if (!isMeasurement(tensile) || !isMeasurement(peer)) return '—';
  const r = tensile.ms / peer.ms;
  return r >= 1
    ? `${fmt(r)} (${label} ${fmt(r)}× faster)`
    : `${fmt(r)} (Tensile ${fmt(1 / r)}× faster)`;
}

/** Peers whose check value differs from Tensile's by more than a relative 1e-3. */
function mismatches(row: Partial<Record<PeerId, Outcome>>): string[] {
  const base = row.tensile;
  if (!isMeasurement(base)) return [];
  const tolerance = 1e-3 * Math.max(1, Math.abs(base.check));
  const out: string[] = [];
  for (const peer of PEERS) {
    const o = row[peer];
    if (isMeasurement(o) && Math.abs(o.check - base.check) > tolerance)
      out.push(`${PEER_LABELS[peer]} ${round(o.check)} vs Tensile ${round(base.check)}`);
  }
  return out;
}

const tableRow = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/**
 * The Markdown report.
 *
 * @example
 * console.log(toMarkdown(results));
 */
export function toMarkdown(results: RunResults): string {
  const peers = PEERS.filter((p) => WORKLOADS.some((w) => results.outcomes[w]?.[p]));
  const workloads = WORKLOADS.filter((w) => results.outcomes[w]);
  const others = peers.filter((p) => p !== 'tensile');
  const lines: string[] = [
    '### Results',
    '',
    'GFLOP/s for matmul, median ms per step otherwise; `(n)` is the number of timed steps, `(first)` a single step too slow to repeat.',
    '',
    tableRow(['workload', ...peers.map((p) => PEER_LABELS[p])]),
    tableRow(['---', ...peers.map(() => '---:')]),
    ...workloads.map((w) =>
      tableRow([WORKLOAD_INFO[w].label, ...peers.map((p) => cell(w, results.outcomes[w]?.[p]))]),
    ),
  ];
  if (peers.includes('tensile') && others.length > 0) {
    lines.push(
      '',
      '### Ratios',
      '',
      'Tensile time ÷ peer time: above 1 the peer is faster (its speedup over Tensile), below 1 Tensile is.',
      '',
      tableRow(['workload', ...others.map((p) => `Tensile ÷ ${PEER_LABELS[p]}`)]),
      tableRow(['---', ...others.map(() => '---:')]),
      ...workloads.map((w) => {
        const row = results.outcomes[w] ?? {};
        return tableRow([
          WORKLOAD_INFO[w].label,
          ...others.map((p) => ratio(row.tensile, row[p], PEER_LABELS[p])),
        ]);
      }),
    );
  }
  const failures = workloads.flatMap((w) =>
    peers.flatMap((p) => {
      const o = results.outcomes[w]?.[p];
      return o && !isMeasurement(o) ? [`- ${PEER_LABELS[p]}, ${w}: ${o.reason}`] : [];
    }),
  );
  const checks = workloads.flatMap((w) =>
    mismatches(results.outcomes[w] ?? {}).map((m) => `- ${w}: ${m}`),
  );
  lines.push(
    '',
    '### Notes',
    '',
    ...peers.map((p) => `- ${PEER_LABELS[p]}: ${results.setups[p] ?? ''}`),
    ...peers.flatMap((p) =>
      workloads.flatMap((w) => {
        const d = results.deviations[p]?.[w];
        return d ? [`- ${PEER_LABELS[p]}, ${w}: ${d}`] : [];
      }),
    ),
    ...failures,
    peers.includes('tensile')
      ? checks.length === 0
        ? '- Check: every peer’s initial loss (or output checksum) matches Tensile’s within 1e-3.'
        : `- Check FAILED (initial loss or output checksum differs from Tensile's):\n${checks.join('\n')}`
      : '- Check: skipped (Tensile did not run).',
    ...results.environment.map((e) => `- ${e}`),
  );
  return lines.join('\n');
}
