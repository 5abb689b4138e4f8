/**
 * The peer benchmark: Tensile against TensorFlow.js 4.22 (cpu and wasm backends) and jax-js
 * 0.1.25 (wasm) on the same five workloads, all in this one process, one library after another.
 * Prints one JSON object `{workload: {tensile, tfjsCpu, tfjsWasm, jaxJs}}` and then a Markdown
 * report with the ratios; progress goes to stderr. Run with `npm run bench:peers -w @tensile/bench`
 * (optionally `-- --workloads=mlp,cnn --peers=tensile,jaxJs`). Takes a few minutes.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { jaxJsPeer } from './jax-js.js';
import { measure } from './measure.js';
import type { Peer } from './peer.js';
import { type Outcome, type RunResults, toJson, toMarkdown } from './report.js';
import { PEERS, type PeerId, WORKLOAD_INFO, WORKLOADS, type WorkloadId } from './spec.js';
import { tensilePeer } from './tensile.js';
import { tfjsPeer } from './tfjs.js';

const factories: Record<PeerId, () => Peer> = {
  tensile: tensilePeer,
  tfjsCpu: () => tfjsPeer('cpu'),
  tfjsWasm: () => tfjsPeer('wasm'),
  jaxJs: jaxJsPeer,
};

/** The comma-separated `--name=a,b` option, checked against `allowed`. */
function pick<T extends string>(raw: string | undefined, allowed: readonly T[], name: string): T[] {
  if (raw === undefined) return [...allowed];
  const chosen = raw.split(',').filter(Boolean);
  const unknown = chosen.filter((c) => !allowed.includes(c as T));
  if (unknown.length > 0)
    throw new Error(`--${name}: unknown ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
  return allowed.filter((a) => chosen.includes(a));
}

/** The first line of an error's message. */
const message = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workloads: { type: 'string' }, peers: { type: 'string' } },
  });
  const workloads = pick(values.workloads, WORKLOADS, 'workloads');
  const peerIds = pick(values.peers, PEERS, 'peers');
  const load = (): string =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  const environment = [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average at start ${load()}`,
  ];
  const started = performance.now();

  const setups: RunResults['setups'] = {};
  const deviations: RunResults['deviations'] = {};
  const ready: Peer[] = [];
  const setupFailures: Partial<Record<PeerId, string>> = {};
  for (const id of peerIds) {
    const peer = factories[id]();
    deviations[id] = peer.deviations;
    try {
      setups[id] = await peer.setup();
      ready.push(peer);
    } catch (error) {
      setupFailures[id] = `cannot start: ${message(error)}`;
      setups[id] = setupFailures[id];
    }
    log(`${id}: ${setups[id]}`);
  }

  const outcomes: RunResults['outcomes'] = {};
  for (const workload of workloads) {
    const row: Partial<Record<PeerId, Outcome>> = {};
    outcomes[workload] = row;
    for (const id of peerIds) {
      const peer = ready.find((p) => p.id === id);
      row[id] = peer ? await run(peer, workload) : { reason: setupFailures[id] ?? 'cannot start' };
      const o = row[id];
      log(`${workload} / ${id}: ${'ms' in o ? `${o.ms.toFixed(2)} ms (${o.samples})` : o.reason}`);
    }
  }

  environment.push(
    `load average at end ${load()}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const results: RunResults = { outcomes, setups, deviations, environment };
  console.log(JSON.stringify(toJson(results), null, 2));
  console.log();
  console.log(toMarkdown(results));
}

/** Build, measure and free one workload on one peer; a failure becomes its reason. */
async function run(peer: Peer, workload: WorkloadId): Promise<Outcome> {
  const verb = WORKLOAD_INFO[workload].trains ? 'cannot train' : 'cannot run';
  let prepared: Awaited<ReturnType<Peer['prepare']>> | undefined;
  try {
    prepared = await peer.prepare(workload);
    return await measure(prepared, WORKLOAD_INFO[workload]);
  } catch (error) {
    return { reason: `${verb}: ${message(error)}` };
  } finally {
    try {
      prepared?.dispose();
    } catch {
      // A workload that failed half-way may not free cleanly; the process ends soon anyway.
    }
  }
}

await main();
// Worker threads of the peers' pools must not keep the process alive.
process.exit(0);
