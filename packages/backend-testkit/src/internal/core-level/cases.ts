/**
 * The shape of the core-level conformance cases: for each primitive, forward computations
 * through the public API with oracle results, and gradient computations for `checkGrads` —
 * or the reason a primitive has none.
 */
import type { Tensor } from '@tensile/core';
import type { HostTensor } from '../host-data.js';
import type { ToleranceKind } from '../oracles/elementwise.js';
import type { Reference } from '../oracles/reference.js';
import type { PrimitiveName } from './primitive-names.js';

/** A computation through `@tensile/core` whose outputs are checked against oracles. */
export interface ForwardCase {
  /** What the case computes, for test titles and failure messages. */
  readonly title: string;
  readonly inputs: readonly HostTensor[];
  /** The computation, on tensors uploaded from `inputs` (on the backend under test). */
  readonly run: (...args: Tensor[]) => Tensor[];
  /** Expected outputs, from the testkit's oracles or hand-written literals. */
  readonly expected: () => readonly Reference[];
  /** Tolerance kind for float outputs. */
  readonly kind: ToleranceKind | 'accumulation';
}

/** A computation whose derivatives `checkGrads` compares with finite differences. */
export interface GradCase {
  readonly title: string;
  /** Differentiated arguments (float32; int/bool ones are passed through unperturbed). */
  readonly inputs: readonly HostTensor[];
  /** Extra arguments appended after `inputs`, held constant (not differentiated). */
  readonly constants?: readonly HostTensor[];
  readonly run: (...args: Tensor[]) => Tensor[];
  /** Modes to check (default both); some primitives only support one, as in JAX. */
  readonly modes?: readonly ('fwd' | 'rev')[];
  /** Derivative order (default 1). */
  readonly order?: number;
}

/** The core-level cases of one primitive. */
export interface PrimitiveEntry {
  /** Forward cases, or the primitive whose tests exercise this one and why it has none itself. */
  readonly forward:
    | readonly ForwardCase[]
    | { readonly coveredBy: PrimitiveName; readonly reason: string };
  /** Gradient cases, or why there are none (not differentiable, covered elsewhere). */
  readonly gradients: readonly GradCase[] | { readonly none: string };
  /**
   * Why `makeJaxpr` cannot show this primitive (so `coverage/primitives` does not look for it
   * in the staged cases), if so.
   */
  readonly notStaged?: string;
  /** Set when running the forward cases eagerly reads values back synchronously (`readSync`). */
  readonly readsSynchronously?: boolean;
  /** Public API members the cases call beyond `lax`'s primitive wrappers, e.g. `'lax.scan'`. */
  readonly needs?: readonly string[];
}

/** Every primitive's entry: a missing primitive is a compile error. */
export type PrimitiveTable = { readonly [P in PrimitiveName]: PrimitiveEntry };
