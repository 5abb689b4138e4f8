/**
 * The shape of a primitive's rule set. Each family file (elementwise, shape,
 * reduce, …) exports a `RuleSet` for its primitives; `table.ts` merges them
 * into one exhaustive table.
 */
import type {
  AbstractEvalRule,
  ImplRule,
  JvpRule,
  Primitive,
  TransposeRule,
  VmapRule,
} from './spec.js';

/** Everything the core needs to know about one primitive. */
export interface PrimitiveRules<P extends Primitive> {
  abstractEval: AbstractEvalRule<P>;
  impl: ImplRule<P>;
  jvp: JvpRule<P>;
  vmap: VmapRule<P>;
  /** Only for primitives that are linear in some inputs. */
  transpose?: TransposeRule<P>;
}

/** Rules for the primitives `K`. */
export type RuleSet<K extends Primitive> = { [P in K]: PrimitiveRules<P> };
