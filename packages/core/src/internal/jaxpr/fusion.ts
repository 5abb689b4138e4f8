/**
 * The fusion pass of `jit`: partition an optimised jaxpr into groups of
 * equations that can run as one kernel (`Backend.compile`), so a chain of
 * elementwise ops makes one pass over memory and its intermediates never get
 * buffers.
 *
 * A group is a DAG of elementwise equations over one domain shape, optionally
 * holding one reduction whose result feeds an elementwise epilogue over the
 * reduced shape. Scalar constants (`fill`, and layout ops of it) are folded
 * into the groups that read them. Layout ops of other values (reshape,
 * transpose, broadcast) stay outside: they are zero-copy views, which the
 * group then reads as strided inputs. Groups never contain anything else
 * (dotGeneral, conv, gather, control flow…). Groups are grown greedily in
 * program order; merging two groups is refused when a path leaves one and
 * re-enters the other (which would make the schedule cyclic). The pass is
 * backend-independent apart from `maxBindings`: a group needing more bound
 * buffers than that is split.
 */
import type { DType } from '../dtype.js';
import { BINARY_OPS, UNARY_OPS } from '../primitives/elementwise.js';
import type { Primitive } from '../primitives/spec.js';
import { shapesEqual } from '../shape.js';
import type { Jaxpr, JaxprEqn, Var } from './jaxpr.js';

/** A scalar constant broadcast to its variable's shape: a `fill`, possibly reshaped. */
export interface FusedConstant {
  readonly value: number;
  readonly dtype: DType;
}

/** Equations that run as one fused kernel. */
export interface FusionGroup {
  /** Member equations in program order (elementwise, `stopGradient`, at most one `reduce`). */
  readonly eqns: readonly JaxprEqn[];
  /** Values read from outside the group (constants excluded), in order of first use. */
  readonly inputs: readonly Var[];
  /** Values computed in the group and needed outside it, in program order. */
  readonly outputs: readonly Var[];
  /** The iteration domain: the reduction's operand shape, else the members' shape. */
  readonly shape: readonly number[];
}

/** The fusion groups of a jaxpr and the constants they read. */
export interface FusionPartition {
  readonly groups: readonly FusionGroup[];
  /** Every variable that is a broadcast scalar constant. */
  readonly constants: ReadonlyMap<Var, FusedConstant>;
}

/** Options of `partitionFusionGroups`. */
export interface FusionOptions {
  /** Most inputs + outputs one kernel may bind (`BackendCapabilities.maxBindings`). */
  readonly maxBindings?: number;
}

const ELEMENTWISE = new Set<Primitive>([
  ...UNARY_OPS,
  ...BINARY_OPS,
  'select',
  'convertElementType',
  'stopGradient',
]);

/** Layout ops that keep a broadcast scalar constant a constant. */
const CONSTANT_LAYOUT = new Set<Primitive>(['broadcastInDim', 'reshape', 'transpose', 'rev']);

const FUSIBLE_REDUCTIONS = new Set(['sum', 'prod', 'max', 'min', 'and', 'or']);

function isFusibleReduce(eqn: JaxprEqn): boolean {
  return (
    eqn.primitive === 'reduce' &&
    FUSIBLE_REDUCTIONS.has(eqn.params.op) &&
    (eqn.params.axes as readonly number[]).length > 0
  );
}

type Domain = 'full' | 'reduced';

/** A group while the pass grows it. */
interface Growing {
  members: number[];
  shape: readonly number[];
  reduce?: number;
  reducedShape?: readonly number[];
}

/**
 * Partition `jaxpr`'s equations into fusion groups. Groups with fewer than two ops are not
 * returned (a single op gains nothing from fusion); equations outside every group run unfused.
 *
 * @example
 * const { groups } = partitionFusionGroups(jaxpr, { maxBindings: 8 });
 * groups[0]?.eqns.map((e) => e.primitive); // ['mul', 'add', 'tanh', 'logistic', 'mul']
 */
export function partitionFusionGroups(jaxpr: Jaxpr, options: FusionOptions = {}): FusionPartition {
  const eqns = jaxpr.eqns;
  const constants = new Map<Var, FusedConstant>();
  const growing: Growing[] = [];
  const parent: number[] = [];
  const find = (g: number): number => {
    let root = g;
    while (parent[root] !== root) root = parent[root] as number;
    parent[g] = root;
    return root;
  };
  /** Group and domain of each value computed inside a group. */
  const producer = new Map<Var, { group: number; domain: Domain }>();
  /** Groups (possibly merged since: resolve with `find`) each value depends on. */
  const ancestors = new Map<Var, Set<number>>();
  const ancestorsOf = (v: Var) => ancestors.get(v) ?? EMPTY;

  const externalInputs = (g: number): Var[] => {
    const inside = (v: Var) => {
      const p = producer.get(v);
      return p !== undefined && find(p.group) === g;
    };
    const out: Var[] = [];
    for (const i of (growing[g] as Growing).members)
      for (const v of (eqns[i] as JaxprEqn).inputs)
        if (!inside(v) && !constants.has(v)) out.push(v);
    return out;
  };

  /** Would merging the groups `merged` (plus an equation reading `extra`) create a cycle? */
  const acyclic = (merged: ReadonlySet<number>, extra: readonly Var[]): boolean => {
    const reads = [...extra];
    // One group alone is acyclic already; only the new equation's reads can close a cycle.
    if (merged.size > 1) for (const g of merged) reads.push(...externalInputs(g));
    for (const v of reads) {
      const p = producer.get(v);
      if (p !== undefined && merged.has(find(p.group))) continue;
      for (const a of ancestorsOf(v)) if (merged.has(find(a))) return false;
    }
    return true;
  };

  const newGroup = (i: number, shape: readonly number[], reduce: boolean): number => {
    const g = growing.length;
    parent.push(g);
    const eqn = eqns[i] as JaxprEqn;
    const axes = reduce ? (eqn.params.axes as readonly number[]) : [];
    growing.push({
      members: [i],
      shape,
      ...(reduce ? { reduce: i, reducedShape: shape.filter((_, d) => !axes.includes(d)) } : {}),
    });
    return g;
  };

  /** Where an elementwise equation of output `shape` would live in group `g`, if it fits. */
  const domainIn = (g: number, shape: readonly number[]): Domain | undefined => {
    const group = growing[g] as Growing;
    if (shapesEqual(shape, group.shape)) return 'full';
    if (group.reducedShape && shapesEqual(shape, group.reducedShape)) return 'reduced';
    return undefined;
  };

  const hasReduce = (g: number) => (growing[g] as Growing).reduce !== undefined;

  const joinElementwise = (i: number, eqn: JaxprEqn): void => {
    const shape = (eqn.outBinders[0] as Var).aval.shape;
    const candidates = new Set<number>();
    for (const v of eqn.inputs) {
      const p = producer.get(v);
      if (p) candidates.add(find(p.group));
    }
    // Try the group holding a reduction first: it decides the domains.
    const ordered = [...candidates].sort((a, b) => Number(hasReduce(b)) - Number(hasReduce(a)));
    const chosen: number[] = [];
    for (const g of ordered) {
      const trial = new Set([...chosen, g]);
      const reducing = [...trial].filter(hasReduce);
      if (reducing.length > 1) continue;
      if (domainIn(reducing[0] ?? g, shape) === undefined) continue;
      const readsOutside = eqn.inputs.filter((v) => {
        const p = producer.get(v);
        return !constants.has(v) && !(p !== undefined && trial.has(find(p.group)));
      });
      if (acyclic(trial, readsOutside)) chosen.push(g);
    }
    const host = chosen.find(hasReduce) ?? chosen[0] ?? newGroup(i, shape, false);
    const domain = domainIn(host, shape) as Domain;
    const target = growing[host] as Growing;
    for (const g of chosen) {
      if (g === host) continue;
      const absorbed = growing[g] as Growing;
      parent[g] = host;
      for (const m of absorbed.members)
        for (const v of (eqns[m] as JaxprEqn).outBinders) {
          // An elementwise group joining a reduction's epilogue moves to the reduced domain.
          producer.set(v, { group: host, domain });
        }
      target.members.push(...absorbed.members);
      absorbed.members = [];
    }
    if (chosen.length > 0) target.members.push(i);
    for (const v of eqn.outBinders) producer.set(v, { group: host, domain });
  };

  const joinReduce = (i: number, eqn: JaxprEqn): void => {
    const operand = eqn.inputs[0] as Var;
    const p = producer.get(operand);
    const g = p ? find(p.group) : undefined;
    const group = g === undefined ? undefined : growing[g];
    let host: number;
    if (group && g !== undefined && group.reduce === undefined && p?.domain === 'full') {
      const axes = eqn.params.axes as readonly number[];
      group.reduce = i;
      group.reducedShape = group.shape.filter((_, d) => !axes.includes(d));
      group.members.push(i);
      host = g;
    } else {
      host = newGroup(i, operand.aval.shape, true);
    }
    producer.set(eqn.outBinders[0] as Var, { group: host, domain: 'reduced' });
  };

  eqns.forEach((eqn, i) => {
    const out = eqn.outBinders[0] as Var;
    if (eqn.primitive === 'fill') {
      constants.set(out, { value: eqn.params.value, dtype: eqn.params.dtype });
      return;
    }
    const source = constants.get(eqn.inputs[0] as Var);
    if (CONSTANT_LAYOUT.has(eqn.primitive) && source) {
      constants.set(out, source);
      return;
    }
    const upstream = new Set<number>();
    for (const v of eqn.inputs) for (const a of ancestorsOf(v)) upstream.add(a);
    if (ELEMENTWISE.has(eqn.primitive)) joinElementwise(i, eqn);
    else if (isFusibleReduce(eqn)) joinReduce(i, eqn);
    const p = producer.get(out);
    if (p) upstream.add(p.group);
    for (const v of eqn.outBinders) ancestors.set(v, upstream);
  });

  const groups: FusionGroup[] = [];
  const used = usesOutside(jaxpr);
  growing.forEach((g, id) => {
    if (find(id) !== id || g.members.length === 0) return;
    const members = [...g.members].sort((a, b) => a - b).map((m) => eqns[m] as JaxprEqn);
    for (const chunk of splitToFit(members, constants, used, options.maxBindings))
      if (chunk.eqns.filter((e) => e.primitive !== 'stopGradient').length >= 2) groups.push(chunk);
  });
  return { groups, constants };
}

const EMPTY: ReadonlySet<number> = new Set();

/** For each value, the equations reading it; jaxpr outputs are read by `undefined`. */
function usesOutside(jaxpr: Jaxpr): Map<Var, (JaxprEqn | undefined)[]> {
  const uses = new Map<Var, (JaxprEqn | undefined)[]>();
  const add = (v: Var, by: JaxprEqn | undefined) => {
    let list = uses.get(v);
    if (!list) {
      list = [];
      uses.set(v, list);
    }
    list.push(by);
  };
  for (const eqn of jaxpr.eqns) for (const v of eqn.inputs) add(v, eqn);
  for (const v of jaxpr.outs) add(v, undefined);
  return uses;
}

/** The group made of `members` (program order): its inputs, outputs and domain. */
function describe(
  members: readonly JaxprEqn[],
  constants: ReadonlyMap<Var, FusedConstant>,
  uses: ReadonlyMap<Var, readonly (JaxprEqn | undefined)[]>,
): FusionGroup {
  const inside = new Set(members);
  const produced = new Set(members.flatMap((e) => e.outBinders));
  const inputs = new Set<Var>();
  for (const e of members)
    for (const v of e.inputs) if (!produced.has(v) && !constants.has(v)) inputs.add(v);
  const outputs = [...produced].filter((v) =>
    (uses.get(v) ?? []).some((by) => by === undefined || !inside.has(by)),
  );
  const reduce = members.find((e) => e.primitive === 'reduce');
  const domain = reduce ? reduce.inputs[0] : (members[0] as JaxprEqn).outBinders[0];
  const shape = (domain as Var).aval.shape;
  return { eqns: members, inputs: [...inputs], outputs, shape };
}

/**
 * Split a group whose inputs + outputs exceed `maxBindings` into consecutive runs (program
 * order keeps the schedule acyclic), each within the limit where a single op allows it and
 * each over one domain unless it holds the reduction.
 */
function splitToFit(
  members: readonly JaxprEqn[],
  constants: ReadonlyMap<Var, FusedConstant>,
  uses: ReadonlyMap<Var, readonly (JaxprEqn | undefined)[]>,
  maxBindings: number | undefined,
): FusionGroup[] {
  const whole = describe(members, constants, uses);
  const fits = (g: FusionGroup) =>
    maxBindings === undefined || g.inputs.length + g.outputs.length <= maxBindings;
  if (fits(whole)) return [whole];
  const chunks: FusionGroup[] = [];
  let run: JaxprEqn[] = [];
  for (const eqn of members) {
    const trial = [...run, eqn];
    const candidate = describe(trial, constants, uses);
    if (run.length > 0 && (!fits(candidate) || !singleDomain(trial))) {
      chunks.push(describe(run, constants, uses));
      run = [eqn];
    } else {
      run = trial;
    }
  }
  if (run.length > 0) chunks.push(describe(run, constants, uses));
  return chunks;
}

/** Without a reduction, every member must compute values of one shape. */
function singleDomain(members: readonly JaxprEqn[]): boolean {
  if (members.some((e) => e.primitive === 'reduce')) return true;
  const shape = ((members[0] as JaxprEqn).outBinders[0] as Var).aval.shape;
  return members.every((e) => shapesEqual((e.outBinders[0] as Var).aval.shape, shape));
}
