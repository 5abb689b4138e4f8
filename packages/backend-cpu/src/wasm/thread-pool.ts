/**
 * The worker threads of one CPU backend and the blocking protocol that hands them kernel calls.
 *
 * Every worker runs `WORKER_SOURCE` on the backend's shared memory. A job is one generated Wasm
 * function called once per task with that task's i32 arguments (the byte addresses and sizes
 * of its share of the work), plus, for kernels that pack, the address of the caller's own
 * scratch block. The main thread writes the tasks into the control block, opens the job by
 * storing its generation in `CLAIM`, wakes the workers (`Atomics.notify`) and then claims tasks
 * itself like any worker, one `Atomics.compareExchange` per task, until none is left; it then
 * waits for the tasks the workers claimed (`Atomics.wait` where the thread may block — Node,
 * workers — else a spin, as a browser's main thread may not block) and closes the job. Claiming
 * rather than assigning tasks means the main thread never waits on a worker that has not started
 * yet (a browser starts workers only once the page yields), has no function installed yet, or
 * lags on a busy machine: such a worker simply takes nothing.
 *
 * Functions are installed on first use: the main thread posts the compiled module and export
 * name to every worker and bumps `MAIL`; workers pick the message up from their event loop,
 * instantiate it on the shared memory and take part from the next job on. Tasks must write
 * disjoint outputs: which thread runs a task never changes its result.
 *
 * The pool is single-owner: only the thread that created it calls `run`, and it allocates
 * nothing in the memory (scratch addresses come from the caller).
 */
import type { WasmMemory, WasmModule } from './webassembly.js';
import { CONTROL, WORKER_SOURCE } from './worker-source.js';
import { startWorker, type WorkerHandle } from './workers.js';

const INDEX_MASK = (1 << CONTROL.INDEX_BITS) - 1;
const GENERATIONS = 1 << (31 - CONTROL.INDEX_BITS);

/** Workers of pools dropped without `dispose`, terminated when their pool is collected. */
const orphans = new FinalizationRegistry<readonly WorkerHandle[]>((workers) => {
  for (const worker of workers) void worker.terminate();
});

/**
 * A Wasm function of the pool's memory, run as a list of tasks: `local` is the caller's own
 * instance of export `name` of `module`.
 *
 * @example
 * const kernel: PoolKernel = { module, name: 'run', local: instance.exports.run };
 */
export interface PoolKernel {
  readonly module: WasmModule;
  readonly name: string;
  readonly local: (...args: number[]) => unknown;
}

/**
 * Worker threads sharing one Wasm memory with the thread that made them.
 *
 * @example
 * const pool = new ThreadPool(memory, 1);
 * pool.run({ module, name: 'run', local: run }, [[0, 512], [512, 512]]);
 * pool.dispose();
 */
export class ThreadPool {
  /** Worker threads (the calling thread works too, so `workers + 1` threads run a job). */
  readonly workers: number;
  readonly #handles: WorkerHandle[] = [];
  readonly #control: Int32Array;
  readonly #argsAt: number;
  readonly #canBlock: boolean;
  readonly #installed = new Map<WasmModule, Map<string, number>>();
  #functions = 0;
  #generation = 0;
  #disposed = false;
  #workerTasks = 0;

  /** Start `workers` threads on the shared `memory`. */
  constructor(memory: WasmMemory, workers: number) {
    this.workers = workers;
    this.#argsAt = CONTROL.SCRATCH + workers + 1;
    const slots = this.#argsAt + CONTROL.MAX_TASKS * CONTROL.MAX_ARGS;
    const control = new SharedArrayBuffer(4 * slots);
    this.#control = new Int32Array(control);
    this.#canBlock = canBlock(this.#control);
    for (let i = 0; i < workers; i++) {
      const worker = startWorker(WORKER_SOURCE);
      worker.postMessage({
        type: 'init',
        control,
        memory,
        runner: i + 1,
        argsAt: this.#argsAt,
        mail: 0,
      });
      this.#handles.push(worker);
    }
    orphans.register(this, this.#handles, this);
  }

  /** Tasks the worker threads have run so far (the rest ran on the calling thread). */
  get workerTasks(): number {
    return this.#workerTasks;
  }

  /**
   * Call `kernel` once per task, on this thread and the workers; `tasks[i]` are the i32
   * arguments of call i (all of one length, at most `MAX_ARGS - 1`). With `scratch` (one address
   * per thread, this one first) each call gets its thread's scratch address as a last argument.
   * Returns when every call has; throws if one threw.
   */
  run(
    kernel: PoolKernel,
    tasks: readonly (readonly number[])[],
    scratch?: readonly number[],
  ): void {
    if (this.#disposed) throw new Error('cpu backend: the thread pool was disposed');
    const fn = this.#install(kernel);
    for (let from = 0; from < tasks.length; from += CONTROL.MAX_TASKS) {
      this.#round(fn, kernel, tasks.slice(from, from + CONTROL.MAX_TASKS), scratch);
    }
  }

  /**
   * Stop the workers (a blocked worker is woken to see `STOP`, then terminated); resolves once
   * they have exited.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const control = this.#control;
    Atomics.store(control, CONTROL.STOP, 1);
    Atomics.add(control, CONTROL.SEQ, 1);
    Atomics.notify(control, CONTROL.SEQ);
    orphans.unregister(this);
    await Promise.all(this.#handles.map((worker) => worker.terminate()));
  }

  /** The function id of `kernel` in the workers, posting its module to them on first use. */
  #install(kernel: PoolKernel): number {
    let names = this.#installed.get(kernel.module);
    if (names === undefined) {
      names = new Map();
      this.#installed.set(kernel.module, names);
    }
    const found = names.get(kernel.name);
    if (found !== undefined) return found;
    const fn = this.#functions++;
    names.set(kernel.name, fn);
    const control = this.#control;
    const mail = Atomics.load(control, CONTROL.MAIL) + 1;
    for (const worker of this.#handles) {
      worker.postMessage({ type: 'install', fn, module: kernel.module, name: kernel.name, mail });
    }
    Atomics.store(control, CONTROL.MAIL, mail);
    Atomics.add(control, CONTROL.SEQ, 1);
    Atomics.notify(control, CONTROL.SEQ);
    return fn;
  }

  /** One job of at most `MAX_TASKS` tasks. */
  #round(
    fn: number,
    kernel: PoolKernel,
    tasks: readonly (readonly number[])[],
    scratch: readonly number[] | undefined,
  ): void {
    const control = this.#control;
    const count = tasks.length;
    const argc = tasks[0]?.length ?? 0;
    if (argc >= CONTROL.MAX_ARGS) throw new Error(`thread pool: ${argc} arguments are too many`);
    tasks.forEach((args, i) => {
      if (args.length !== argc) throw new Error('thread pool: tasks differ in argument count');
      control.set(args, this.#argsAt + i * CONTROL.MAX_ARGS);
    });
    if (scratch !== undefined) control.set(scratch, CONTROL.SCRATCH);
    Atomics.store(control, CONTROL.FN, fn);
    Atomics.store(control, CONTROL.ARGC, argc);
    Atomics.store(control, CONTROL.WITH_SCRATCH, scratch === undefined ? 0 : 1);
    Atomics.store(control, CONTROL.COUNT, count);
    Atomics.store(control, CONTROL.DONE, 0);
    this.#generation = (this.#generation + 1) % GENERATIONS;
    const open = this.#generation << CONTROL.INDEX_BITS;
    Atomics.store(control, CONTROL.CLAIM, open);
    Atomics.add(control, CONTROL.SEQ, 1);
    Atomics.notify(control, CONTROL.SEQ, Math.min(this.workers, count - 1));
    // Claim tasks here too, until none is left.
    let failure: unknown;
    let ranHere = 0;
    for (;;) {
      const claim = Atomics.load(control, CONTROL.CLAIM);
      const task = claim & INDEX_MASK;
      if (task >= count) break;
      if (Atomics.compareExchange(control, CONTROL.CLAIM, claim, claim + 1) !== claim) continue;
      try {
        const args = tasks[task];
        if (scratch === undefined) kernel.local(...args);
        else kernel.local(...args, scratch[0]);
      } catch (error) {
        failure ??= error;
      }
      ranHere++;
      Atomics.add(control, CONTROL.DONE, 1);
    }
    // Wait for the tasks the workers claimed.
    for (;;) {
      const done = Atomics.load(control, CONTROL.DONE);
      if (done >= count) break;
      if (this.#canBlock) Atomics.wait(control, CONTROL.DONE, done);
    }
    Atomics.store(control, CONTROL.CLAIM, open | CONTROL.CLOSED);
    this.#workerTasks += count - ranHere;
    const workerFailed = Atomics.exchange(control, CONTROL.ERROR, 0) !== 0;
    if (failure !== undefined) throw failure;
    if (workerFailed) {
      throw new Error(`cpu backend: a worker thread failed running the Wasm kernel ${kernel.name}`);
    }
  }
}

/** Whether this thread may `Atomics.wait` (a browser's main thread may not). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, CONTROL.PROBE, 1, 0);
    return true;
  } catch {
    return false;
  }
}
