/**
 * The static plan of a jit executable: the order of its steps (single
 * equations and fused groups) and each value's lifetime, both fixed at
 * compile time. Every intermediate is released right after the step that
 * reads it last, and so is every donated input; with the executable's
 * `BufferPool` those buffers are reused by later steps of the same call and
 * by the next call, so a program run repeatedly with the same shapes stops
 * allocating after its first call.
 */
import type { FusionGroup, FusionPartition } from './fusion.js';
import type { Jaxpr, JaxprEqn, Var } from './jaxpr.js';

/** One step of an executable: an equation run on its own, or a fused group. */
export type Step =
  | { readonly kind: 'eqn'; readonly eqn: JaxprEqn }
  | { readonly kind: 'fused'; readonly group: FusionGroup };

/** Steps in execution order and the values to release after each. */
export interface Schedule {
  readonly steps: readonly Step[];
  /** Per step: the values whose last use it is (or, when never read, that it produced). */
  readonly releaseAfter: readonly (readonly Var[])[];
  /** Donated inputs that no step reads: released before the first step. */
  readonly releaseFirst: readonly Var[];
}

/** The values a step reads. */
export function stepInputs(step: Step): readonly Var[] {
  return step.kind === 'eqn' ? step.eqn.inputs : step.group.inputs;
}

/** The values a step writes. */
export function stepOutputs(step: Step): readonly Var[] {
  return step.kind === 'eqn' ? step.eqn.outBinders : step.group.outputs;
}

/**
 * Order the steps of `jaxpr` given its fusion groups (none: one step per equation) and plan
 * every value's lifetime. Constants folded into groups get no step unless something else reads
 * them; steps run in program order as far as the groups' dependencies allow.
 *
 * @example
 * const { steps, releaseAfter } = scheduleSteps(jaxpr, partition, donated);
 */
export function scheduleSteps(
  jaxpr: Jaxpr,
  partition: FusionPartition | undefined,
  donated: readonly boolean[],
): Schedule {
  const steps = orderSteps(jaxpr, partition);
  const outputs = new Set(jaxpr.outs);
  const lastUse = new Map<Var, number>();
  steps.forEach((step, i) => {
    for (const v of stepInputs(step)) lastUse.set(v, i);
  });
  const releaseAfter: Var[][] = steps.map(() => []);
  const releaseFirst: Var[] = [];
  jaxpr.inBinders.forEach((v, i) => {
    if (outputs.has(v) || !(donated[i] ?? false)) return;
    const last = lastUse.get(v);
    if (last === undefined) releaseFirst.push(v);
    else releaseAfter[last]?.push(v);
  });
  steps.forEach((step, i) => {
    for (const v of stepOutputs(step)) {
      if (outputs.has(v)) continue;
      // Unused outputs (e.g. one of several results) are released right away.
      releaseAfter[lastUse.get(v) ?? i]?.push(v);
    }
  });
  return { steps, releaseAfter, releaseFirst };
}

/** Steps in a dependency order that follows program order where it can. */
function orderSteps(jaxpr: Jaxpr, partition: FusionPartition | undefined): Step[] {
  const eqns = jaxpr.eqns;
  if (!partition) return eqns.map((eqn) => ({ kind: 'eqn', eqn }));
  const groupOf = new Map<JaxprEqn, FusionGroup>();
  for (const group of partition.groups) for (const eqn of group.eqns) groupOf.set(eqn, group);

  // Constants folded into groups need no step unless an unfused step or the result reads them.
  const needed = new Set<Var>(jaxpr.outs);
  const keep: boolean[] = new Array(eqns.length).fill(false);
  for (let i = eqns.length - 1; i >= 0; i--) {
    const eqn = eqns[i] as JaxprEqn;
    const group = groupOf.get(eqn);
    if (group) {
      for (const v of group.inputs) needed.add(v);
      continue;
    }
    const constant = eqn.outBinders.every((v) => partition.constants.has(v));
    if (constant && !eqn.outBinders.some((v) => needed.has(v))) continue;
    keep[i] = true;
    for (const v of eqn.inputs) needed.add(v);
  }

  const steps: { step: Step; first: number }[] = [];
  const seen = new Set<FusionGroup>();
  eqns.forEach((eqn, i) => {
    const group = groupOf.get(eqn);
    if (group) {
      if (!seen.has(group)) {
        seen.add(group);
        steps.push({ step: { kind: 'fused', group }, first: i });
      }
    } else if (keep[i]) {
      steps.push({ step: { kind: 'eqn', eqn }, first: i });
    }
  });

  // Kahn's algorithm, always taking the ready step that comes first in program order.
  const producer = new Map<Var, number>();
  steps.forEach(({ step }, s) => {
    for (const v of stepOutputs(step)) producer.set(v, s);
  });
  const consumers: number[][] = steps.map(() => []);
  const waiting = steps.map(({ step }, s) => {
    const deps = new Set<number>();
    for (const v of stepInputs(step)) {
      const p = producer.get(v);
      if (p !== undefined && p !== s) deps.add(p);
    }
    for (const p of deps) consumers[p]?.push(s);
    return deps.size;
  });
  const ready = steps.map((_, s) => s).filter((s) => waiting[s] === 0);
  const order: Step[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let k = 1; k < ready.length; k++)
      if ((steps[ready[k] as number]?.first ?? 0) < (steps[ready[best] as number]?.first ?? 0))
        best = k;
    const s = ready.splice(best, 1)[0] as number;
    order.push((steps[s] as { step: Step }).step);
    for (const c of consumers[s] as number[]) {
      waiting[c] = (waiting[c] as number) - 1;
      if (waiting[c] === 0) ready.push(c);
    }
  }
  if (order.length !== steps.length) throw new Error('internal: fusion groups form a cycle');
  return order;
}
