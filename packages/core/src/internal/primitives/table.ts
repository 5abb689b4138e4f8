/**
 * The primitive table: every primitive's rules in one exhaustive map. A
 * primitive without rules is a compile error here (and a load-time error if
 * an import cycle ever left a family undefined).
 */
import { controlFlowRules } from './control-flow/index.js';
import { convRules } from './conv.js';
import { dotRules } from './dot.js';
import { elementwiseRules } from './elementwise.js';
import { indexingRules } from './indexing.js';
import { randomBitsRules } from './random-bits.js';
import { reduceRules } from './reduce.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import { shapeRules } from './shape.js';
import type { Primitive } from './spec.js';
import { windowRules } from './window.js';

const table: RuleSet<Primitive> = {
  ...elementwiseRules,
  ...shapeRules,
  ...reduceRules,
  ...dotRules,
  ...convRules,
  ...windowRules,
  ...indexingRules,
  ...randomBitsRules,
  ...controlFlowRules,
};

for (const [name, rules] of Object.entries(table)) {
  if (!rules) throw new Error(`internal: primitive '${name}' has no rules (import cycle?)`);
}

type Table = { [P in Primitive]: PrimitiveRules<P> };
function column<K extends keyof PrimitiveRules<Primitive>>(
  key: K,
): { [P in Primitive]: Table[P][K] } {
  return Object.fromEntries(Object.entries(table).map(([p, r]) => [p, r[key]])) as {
    [P in Primitive]: Table[P][K];
  };
}

/** `abstractEval` of every primitive. */
export const abstractEvalRules = column('abstractEval');
/** `impl` of every primitive. */
export const implRules = column('impl');
/** `jvp` of every primitive. */
export const jvpRules = column('jvp');
/** `vmap` of every primitive. */
export const vmapRules = column('vmap');
/** `transpose` of the linear primitives. */
export const transposeRules = column('transpose');

/**
 * Names of every primitive, for tools that must cover them all (the backend conformance kit).
 *
 * @example
 * listPrimitives().includes('dotGeneral')  // true
 */
export function listPrimitives(): Primitive[] {
  return Object.keys(table) as Primitive[];
}
