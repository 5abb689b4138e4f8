/**
 * Running one fusion group inside a jit executable. The first call (and any
 * call whose inputs arrive with different strides) lowers the group to a
 * `KernelGraph` and asks the backend to compile it; after that a call is one
 * kernel launch writing the group's outputs, and the values inside the group
 * never get buffers. When the backend declines, the group's equations run one
 * by one, releasing each intermediate after its last use.
 */
import type { Backend, CompiledKernel } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import { implRules } from '../primitives/table.js';
import type { FusedConstant, FusionGroup } from './fusion.js';
import type { JaxprEqn, Var } from './jaxpr.js';
import { compileCached, kernelGraphOf } from './kernel-graph.js';

type Impl = (args: DeviceArray[], params: unknown) => DeviceArray[];

/**
 * A fusion group bound to one backend, with its compiled kernel remembered per input strides.
 *
 * @example
 * const step = new FusedStep(group, partition.constants, backend);
 * const outputs = step.run(inputs); // one per group.outputs
 */
export class FusedStep {
  #strides: (readonly number[])[] | undefined;
  #kernel: CompiledKernel | undefined;
  #releaseAfter: Var[][] | undefined;

  constructor(
    readonly group: FusionGroup,
    readonly constants: ReadonlyMap<Var, FusedConstant>,
    readonly backend: Backend,
  ) {}

  /** Compute the group's outputs from its inputs (one per `group.inputs`). */
  run(inputs: readonly DeviceArray[]): DeviceArray[] {
    const kernel = this.#kernelFor(inputs);
    if (!kernel) return this.#runUnfused(inputs);
    const outputs = this.group.outputs.map((v) => DeviceArray.empty(this.backend, v.aval));
    kernel(
      inputs.map((a) => a.view),
      outputs.map((o) => o.output),
    );
    return outputs;
  }

  #kernelFor(inputs: readonly DeviceArray[]): CompiledKernel | undefined {
    const known = this.#strides;
    const same =
      known !== undefined &&
      inputs.every((a, i) => {
        const s = known[i] as readonly number[];
        return a.strides.every((n, d) => n === s[d]);
      });
    if (!same) {
      const strides = inputs.map((a) => a.strides);
      this.#kernel = compileCached(
        this.backend,
        kernelGraphOf(this.group, this.constants, strides),
      );
      this.#strides = strides;
    }
    return this.#kernel;
  }

  #runUnfused(inputs: readonly DeviceArray[]): DeviceArray[] {
    const { eqns, outputs } = this.group;
    const releaseAfter = this.#lifetimes();
    const env = new Map<Var, DeviceArray>();
    this.group.inputs.forEach((v, i) => {
      env.set(v, inputs[i] as DeviceArray);
    });
    const read = (v: Var): DeviceArray => {
      const known = env.get(v);
      if (known) return known;
      // A constant folded into the group: materialise it as the `fill` step would have.
      const { value, dtype } = this.constants.get(v) as FusedConstant;
      const [filled] = implRules.fill([], {
        shape: v.aval.shape,
        dtype,
        weakType: v.aval.weakType,
        value,
        backend: this.backend.name,
      }) as DeviceArray[];
      env.set(v, filled as DeviceArray);
      return filled as DeviceArray;
    };
    eqns.forEach((eqn: JaxprEqn, k) => {
      const impl = implRules[eqn.primitive] as Impl;
      const outs = impl(eqn.inputs.map(read), eqn.params);
      eqn.outBinders.forEach((v, j) => {
        env.set(v, outs[j] as DeviceArray);
      });
      for (const v of releaseAfter[k] as Var[]) env.get(v)?.dispose();
    });
    return outputs.map((v) => env.get(v) as DeviceArray);
  }

  /** Per member: the group-internal values (and materialised constants) it reads last. */
  #lifetimes(): Var[][] {
    if (this.#releaseAfter) return this.#releaseAfter;
    const { eqns, inputs, outputs } = this.group;
    const keep = new Set([...inputs, ...outputs]);
    const last = new Map<Var, number>();
    eqns.forEach((eqn, k) => {
      for (const v of eqn.inputs) last.set(v, k);
    });
    const releaseAfter: Var[][] = eqns.map(() => []);
    for (const [v, k] of last) if (!keep.has(v)) releaseAfter[k]?.push(v);
    this.#releaseAfter = releaseAfter;
    return releaseAfter;
  }
}
