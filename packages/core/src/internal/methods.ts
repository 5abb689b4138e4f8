/**
 * The functions behind `Tensor`'s methods (`x.add(y)`, `x.reshape(...)`,
 * `x.toArray()`, …). `core/tensor.ts` only imports this module's *type*;
 * the public index installs the values once with `installTensorMethods`,
 * which keeps the core free of import cycles.
 */
export {
  abs,
  add,
  divide,
  maximum,
  minimum,
  mod,
  multiply,
  negative,
  power,
  reciprocal,
  square,
  subtract,
} from './numpy/arithmetic.js';
export { equal, greater, greaterEqual, less, lessEqual, notEqual } from './numpy/comparison.js';
export { cumsum } from './numpy/cumulative.js';
export { cos, exp, log, sin, sqrt, tanh } from './numpy/elementwise.js';
export { item, toNested } from './numpy/host-values.js';
export { at } from './numpy/index-update.js';
export { take } from './numpy/indexing.js';
export { dot, matmul } from './numpy/linalg.js';
export {
  all,
  any,
  argmax,
  argmin,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  var,
} from './numpy/reductions.js';
export { clip } from './numpy/selection.js';
export {
  astype,
  broadcastTo,
  expandDims,
  flip,
  ravel,
  reshape,
  squeeze,
  swapaxes,
  transpose,
} from './numpy/shape-ops.js';
export { slice } from './numpy/slicing.js';
export { argsort, sort } from './numpy/sorting.js';
