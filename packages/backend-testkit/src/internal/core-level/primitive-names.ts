/**
 * The names of every primitive in `@tensile/core`'s table, as the testkit knows them.
 *
 * The core does not export its primitive list at runtime, so this list is explicit: the
 * elementwise names come from the exhaustive `UnaryOp`/`BinaryOp` rule tables (a new op is a
 * compile error there), the rest are spelled out. The `coverage/primitives` test checks the list
 * has no duplicates, that every forward case really binds the primitive it claims, and that
 * every primitive any case stages is on the list — so a primitive added to the core shows up
 * as a failure here instead of going untested.
 */
import type { BinaryOp, UnaryOp } from '@tensile/core';
import { BINARY_RULES, UNARY_RULES } from '../oracles/elementwise.js';

/**
 * Primitives that are not elementwise unary/binary ops.
 *
 * @example
 * STRUCTURED_PRIMITIVES.includes('scan') // true
 */
export const STRUCTURED_PRIMITIVES = [
  'select',
  'convertElementType',
  'bitcastConvertType',
  'fill',
  'iota',
  'reduce',
  'argReduce',
  'dotGeneral',
  'reshape',
  'transpose',
  'broadcastInDim',
  'slice',
  'pad',
  'rev',
  'concatenate',
  'gather',
  'scatterAdd',
  'dynamicSlice',
  'dynamicUpdateSlice',
  'conv',
  'reduceWindow',
  'selectAndGatherAdd',
  'selectAndScatterAdd',
  'cumulative',
  'sort',
  'threefry2x32',
  'stopGradient',
  'jit',
  'scan',
  'cond',
  'whileLoop',
  'customJvpCall',
  'customVjpCall',
  'customLin',
  'checkpoint',
] as const;

/** Name of a primitive of the core's table. */
export type PrimitiveName = UnaryOp | BinaryOp | (typeof STRUCTURED_PRIMITIVES)[number];

/**
 * Every primitive name, elementwise ones first.
 *
 * @example
 * PRIMITIVES.includes('dotGeneral') // true
 */
export const PRIMITIVES: readonly PrimitiveName[] = [
  ...(Object.keys(UNARY_RULES) as UnaryOp[]),
  ...(Object.keys(BINARY_RULES) as BinaryOp[]),
  ...STRUCTURED_PRIMITIVES,
];
