/**
 * The code every worker thread of the CPU backend runs, as a plain JavaScript string, plus the
 * layout of the control block it shares with the main thread.
 *
 * A worker needs no TypeScript and no module loading: it is started from this string (Node's
 * `eval: true`, a Blob URL in browsers), so it works the same from `src/` under tsx or vitest and
 * from the built `dist/`. The main thread posts it the backend's shared `WebAssembly.Memory` and
 * control block, then each generated module it should run; the worker instantiates them on the
 * same memory. A posted `WebAssembly.Module` shares its compiled code across threads, optimised
 * tier included (measured on Node 20: a kernel warmed on the main thread runs at full speed on a
 * worker's first call, a cold one after one call), so workers need no warm-up of their own. Kernel calls
 * never go through messages: they are tasks — an installed function and its i32 arguments — in
 * the control block (`thread-pool.ts` has the protocol), claimed with `Atomics.compareExchange`,
 * and the worker sleeps in `Atomics.wait` between jobs. It returns to its event loop only when
 * the main thread has posted it something (`MAIL` moved on), which is how new modules arrive.
 */

/**
 * Int32 slots of the control block (a `SharedArrayBuffer`).
 *
 * - `SEQ`: bumped (and notified) whenever there is something for the workers: a job or mail.
 * - `CLAIM`: the open job's generation (high bits) and next unclaimed task (low `INDEX_BITS`);
 *   `CLOSED` as the task index once the job is over.
 * - `COUNT`, `FN`, `ARGC`: the job's task count, installed function and arguments per task.
 * - `DONE`: tasks finished; the worker finishing the last one notifies it.
 * - `MAIL`: messages posted so far; `STOP`: set on dispose; `ERROR`: a task threw.
 * - `WITH_SCRATCH`: append the runner's scratch address (`SCRATCH + runner`, main thread 0).
 * - `PROBE`: always 0, for testing whether this thread may block.
 * - Task `i`'s arguments are at `argsAt + i · MAX_ARGS` (after the scratch slots).
 *
 * @example
 * Atomics.load(control, CONTROL.DONE);
 */
export const CONTROL = {
  SEQ: 0,
  CLAIM: 1,
  COUNT: 2,
  DONE: 3,
  FN: 4,
  ARGC: 5,
  MAIL: 6,
  STOP: 7,
  ERROR: 8,
  WITH_SCRATCH: 9,
  PROBE: 10,
  SCRATCH: 16,
  INDEX_BITS: 9,
  CLOSED: 511,
  MAX_TASKS: 256,
  MAX_ARGS: 24,
} as const;

/**
 * The worker's code. Messages: `{ type: 'init', control, memory, runner, argsAt, mail }` once,
 * then `{ type: 'install', fn, module, name, mail }` per function it may be asked to run.
 *
 * @example
 * new Worker(WORKER_SOURCE, { eval: true }); // Node
 */
export const WORKER_SOURCE = `'use strict';
const C = ${JSON.stringify(CONTROL)};
const INDEX_MASK = (1 << C.INDEX_BITS) - 1;
const fns = [];
let control;
let memory;
let runner = 0;
let argsAt = 0;
let mailSeen = 0;
let seen = 0;

function work() {
  for (;;) {
    const claim = Atomics.load(control, C.CLAIM);
    const task = claim & INDEX_MASK;
    const count = Atomics.load(control, C.COUNT);
    if (task >= count) return;
    const fn = fns[Atomics.load(control, C.FN)];
    if (fn === undefined) return;
    const argc = Atomics.load(control, C.ARGC);
    const withScratch = Atomics.load(control, C.WITH_SCRATCH) !== 0;
    if (Atomics.compareExchange(control, C.CLAIM, claim, claim + 1) !== claim) continue;
    const at = argsAt + task * C.MAX_ARGS;
    const args = Array.from(control.subarray(at, at + argc));
    if (withScratch) args.push(control[C.SCRATCH + runner]);
    try {
      fn(...args);
    } catch {
      Atomics.store(control, C.ERROR, 1);
    }
    if (Atomics.add(control, C.DONE, 1) + 1 === count) Atomics.notify(control, C.DONE);
  }
}

function idle() {
  for (;;) {
    if (Atomics.load(control, C.STOP) !== 0) return;
    if (Atomics.load(control, C.MAIL) !== mailSeen) return;
    const seq = Atomics.load(control, C.SEQ);
    if (seq !== seen) {
      seen = seq;
      work();
      continue;
    }
    Atomics.wait(control, C.SEQ, seq);
  }
}

function receive(message) {
  if (message.type === 'init') {
    control = new Int32Array(message.control);
    memory = message.memory;
    runner = message.runner;
    argsAt = message.argsAt;
  } else {
    const instance = new WebAssembly.Instance(message.module, { env: { memory } });
    fns[message.fn] = instance.exports[message.name];
  }
  mailSeen = message.mail;
  idle();
}

if (typeof require === 'function') {
  require('node:worker_threads').parentPort.on('message', receive);
} else {
  self.onmessage = (event) => receive(event.data);
}
`;
