/**
 * Runs an optimised jaxpr on concrete arrays. Per backend, the executable is
 * planned once: the fusion pass groups elementwise/reduction equations into
 * kernels (when the backend implements `compile`), and the schedule fixes the
 * step order and every value's lifetime. Each call then runs the steps,
 * releasing intermediates and donated inputs after their last use into the
 * executable's `BufferPool`, which serves every allocation of the call. After
 * the first call the pool keeps as many buffers as that call had in use at
 * its peak, so the second call allocates nothing, and later calls allocate
 * only to replace results the caller kept (a training step that donates its
 * parameters and disposes its loss never allocates again). The backend is
 * flushed once per call so the whole program is one batched submission.
 * `dispose()` frees the pooled buffers.
 */
import type { Backend } from '../backend.js';
import type { DeviceArray } from '../core/device-array.js';
import { BufferPool } from '../memory.js';
import { implRules } from '../primitives/table.js';
import { getBackend } from '../registry.js';
import { FusedStep } from './fused-step.js';
import { partitionFusionGroups } from './fusion.js';
import type { Jaxpr, Var } from './jaxpr.js';
import { type Schedule, scheduleSteps, stepOutputs } from './schedule.js';

type Impl = (args: DeviceArray[], params: unknown) => DeviceArray[];

/** Frees a pool's idle buffers when its executable is garbage-collected without `dispose()`. */
const abandoned = new FinalizationRegistry<BufferPool>((pool) => pool.dispose());

/** An executable's plan for one backend. */
interface Plan {
  readonly schedule: Schedule;
  /** Per step: its fused runner, for fused steps. */
  readonly fused: readonly (FusedStep | undefined)[];
  readonly pool: BufferPool;
  /** Calls run so far. */
  calls: number;
}

/**
 * A jaxpr prepared for repeated execution.
 *
 * @example
 * const exe = new Executable(jaxpr, [true, false]); // first input donated
 * const [y] = exe.run([x, w]);
 * exe.dispose(); // when the program is no longer needed
 */
export class Executable {
  readonly #plans = new Map<Backend, Plan>();
  readonly #slot = new Map<Var, number>();
  readonly #inputs: ReadonlySet<Var>;

  constructor(
    readonly jaxpr: Jaxpr,
    /** Per input: may its buffer be released once no longer needed? */
    readonly donated: readonly boolean[],
  ) {
    this.#inputs = new Set(jaxpr.inBinders);
    let n = 0;
    for (const v of jaxpr.inBinders) this.#slot.set(v, n++);
    for (const e of jaxpr.eqns) for (const v of e.outBinders) this.#slot.set(v, n++);
  }

  /** Execute on `args` (one per input binder); returns new arrays owned by the caller. */
  run(args: readonly DeviceArray[]): DeviceArray[] {
    const backend = args[0]?.backend ?? getBackend();
    const plan = this.#planFor(backend);
    // The first call measures the program's peak buffer demand and keeps that many buffers.
    const results = plan.pool.use(() => this.#execute(plan, args), {
      reservePeak: plan.calls++ === 0,
    });
    for (const b of new Set([...args, ...results].map((a) => a.backend))) b.flush();
    return results;
  }

  /** Free the buffers this executable keeps for reuse. It stays usable (and allocates anew). */
  dispose(): void {
    for (const plan of this.#plans.values()) {
      abandoned.unregister(plan.pool);
      plan.pool.dispose();
    }
    this.#plans.clear();
  }

  #planFor(backend: Backend): Plan {
    let plan = this.#plans.get(backend);
    if (plan) return plan;
    const partition = backend.compile
      ? partitionFusionGroups(this.jaxpr, { maxBindings: backend.capabilities.maxBindings })
      : undefined;
    const schedule = scheduleSteps(this.jaxpr, partition, this.donated);
    const fused = schedule.steps.map((step) =>
      step.kind === 'fused' && partition
        ? new FusedStep(step.group, partition.constants, backend)
        : undefined,
    );
    plan = { schedule, fused, pool: new BufferPool(backend), calls: 0 };
    abandoned.register(this, plan.pool, plan.pool);
    this.#plans.set(backend, plan);
    return plan;
  }

  #execute(plan: Plan, args: readonly DeviceArray[]): DeviceArray[] {
    const { steps, releaseAfter, releaseFirst } = plan.schedule;
    const env: (DeviceArray | undefined)[] = new Array(this.#slot.size);
    args.forEach((a, i) => {
      env[i] = a;
    });
    const read = (v: Var) => env[this.#slot.get(v) as number] as DeviceArray;
    const release = (v: Var) => {
      const x = read(v);
      // A donated input's buffer joins the pool once nothing references it.
      if (this.#inputs.has(v)) x.storage.adopt(plan.pool);
      x.dispose();
    };
    releaseFirst.forEach(release);
    steps.forEach((step, i) => {
      let outs: DeviceArray[];
      if (step.kind === 'eqn') {
        const impl = implRules[step.eqn.primitive] as Impl;
        outs = impl(step.eqn.inputs.map(read), step.eqn.params);
      } else {
        outs = (plan.fused[i] as FusedStep).run(step.group.inputs.map(read));
      }
      stepOutputs(step).forEach((v, k) => {
        env[this.#slot.get(v) as number] = outs[k];
      });
      for (const v of releaseAfter[i] as Var[]) release(v);
    });
    return this.jaxpr.outs.map((v, k) => {
      const x = read(v);
      // An output that is an input, or repeated, gets its own reference.
      const isInput = this.#inputs.has(v);
      const repeated = this.jaxpr.outs.indexOf(v) !== k;
      return isInput || repeated ? x.materialize() : x;
    });
  }
}
