/**
 * The complete core-level case table: one entry per primitive of `PRIMITIVES`, assembled from
 * the family files. Its type is exhaustive over `PrimitiveName`, so a primitive added to the
 * list without cases does not compile.
 */
import type { PrimitiveTable } from './cases.js';
import { controlFlowEntries } from './control-flow-cases.js';
import { elementwiseEntries } from './elementwise-cases.js';
import { numericEntries } from './numeric-cases.js';
import { structuralEntries } from './structural-cases.js';

/**
 * Every primitive's cases, creating constants on `backend`.
 *
 * @example
 * primitiveTable('cpu').dotGeneral.forward
 */
export function primitiveTable(backend: string): PrimitiveTable {
  return {
    ...elementwiseEntries(),
    ...structuralEntries(backend),
    ...numericEntries(),
    ...controlFlowEntries(),
  };
}
