/**
 * Functional index updates, JAX's `x.at[idx].set(v)`: `np.at(x, ...index)`
 * (and `x.at(...)`) returns `{ get, set, add, multiply }`, each producing a
 * new tensor. Basic indices embed the values with a `pad` and select, so
 * gradients flow to both `x` and the values; integer-array indices scatter
 * into the flattened tensor.
 *
 * With repeated integer indices, `add` accumulates every value (as JAX),
 * while `set` and `multiply` combine the repeated values by addition (JAX
 * leaves which one wins unspecified) — avoid duplicates there. Out-of-range
 * integer indices are clamped, so their updates land on the edge element.
 */
import { type IndexUpdater, type SliceIndex, Tensor, type TensorLike } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, backendFor, broadcastToShape, constantLike } from './promotion.js';
import { applyAdvanced, applyBasic, type IndexPlan, indexPlan, slice } from './slicing.js';

type UpdateKind = 'set' | 'add' | 'multiply';

/** `values` converted to `x`'s dtype and broadcast to the indexed shape. */
function prepareValues(
  op: string,
  x: Tensor,
  values: TensorLike,
  shape: readonly number[],
): Tensor {
  const v = asTensor(op, values);
  const fits =
    v.ndim <= shape.length &&
    v.shape.every((d, i) => d === 1 || d === shape[shape.length - v.ndim + i]);
  if (!fits)
    throw new ShapeError(
      `${op}: values of shape ${fmtShape(v.shape)} cannot be broadcast to the indexed shape ${fmtShape(shape)}`,
    );
  const cast = v.dtype === x.dtype ? v : lax.convertElementType(v, x.dtype, x.weakType);
  return broadcastToShape(cast, shape);
}

function combine(kind: UpdateKind, x: Tensor, placed: Tensor, mask: () => Tensor): Tensor {
  if (kind === 'set') return lax.select(mask(), placed, x);
  if (x.dtype === 'bool') return lax.binary(kind === 'add' ? 'or' : 'and', x, placed);
  return kind === 'add' ? lax.add(x, placed) : lax.mul(x, placed);
}

/** Basic indices: pad the values out to `x`'s shape (holes for strides) and combine. */
function basicUpdate(kind: UpdateKind, x: Tensor, plan: IndexPlan, values: Tensor): Tensor {
  const { boxes } = plan;
  const boxShape = boxes.map((b) => b.count);
  const reversed = boxes.flatMap((b, i) => (b.reversed ? [i] : []));
  const low = boxes.map((b) => b.low);
  const high = boxes.map(
    (b, i) => (x.shape[i] as number) - b.low - (b.count === 0 ? 0 : (b.count - 1) * b.stride + 1),
  );
  const interior = boxes.map((b) => b.stride - 1);
  const embed = (t: Tensor, fill: number) =>
    lax.pad(
      lax.rev(lax.reshape(t, boxShape), reversed),
      lax.full([], fill, t.dtype, false, backendFor([x])),
      low,
      high,
      interior,
    );
  const neutral = kind === 'multiply' ? 1 : 0;
  const placed = embed(values, neutral);
  return combine(kind, x, placed, () =>
    embed(lax.full(boxShape, 1, 'bool', false, backendFor([x])), 0),
  );
}

/** Integer-array indices: scatter into the flattened tensor at the selected linear positions. */
function advancedUpdate(kind: UpdateKind, x: Tensor, positions: Tensor, values: Tensor): Tensor {
  const backend = backendFor([x]);
  const flatX = lax.reshape(x, [x.size]);
  const flatPositions = lax.reshape(positions, [positions.size]);
  const scatter = (v: Tensor): Tensor => {
    const asNumber = v.dtype === 'bool' ? lax.convertElementType(v, 'int32', false) : v;
    const flatV = lax.reshape(asNumber, [asNumber.size]);
    const summed = lax.scatterAdd(
      lax.full([x.size], 0, asNumber.dtype, false, backend),
      flatPositions,
      flatV,
      0,
    );
    return v.dtype === 'bool' ? lax.ne(summed, constantLike(summed, 0)) : summed;
  };
  const written = () => scatter(lax.full(positions.shape, 1, 'bool', false, backend));
  let out: Tensor;
  if (kind === 'add' && x.dtype !== 'bool')
    out = lax.scatterAdd(flatX, flatPositions, lax.reshape(values, [values.size]), 0);
  else if (kind === 'multiply') {
    const factor = lax.select(written(), scatter(values), constantLike(flatX, 1));
    out = combine('multiply', flatX, factor, written);
  } else out = combine(kind, flatX, scatter(values), written);
  return lax.reshape(out, x.shape);
}

function update(
  kind: UpdateKind,
  x: Tensor,
  index: readonly SliceIndex[],
  values: TensorLike,
): Tensor {
  const op = `at.${kind}`;
  return freeIntermediates(() => {
    const plan = indexPlan(op, x.shape, index, backendFor([x]));
    if (plan.advanced.length === 0)
      return basicUpdate(kind, x, plan, prepareValues(op, x, values, plan.basicShape));
    const linear = lax.reshape(lax.iota([x.size], 'int32', 0, backendFor([x])), x.shape);
    const positions = applyAdvanced(applyBasic(linear, plan), plan, op);
    return advancedUpdate(kind, x, positions, prepareValues(op, x, values, positions.shape));
  });
}

/**
 * Functional updates of `x[index]` (JAX's `x.at[index]`); `index` is as for `np.slice`.
 *
 * @example
 * np.at(x, 0).set(5)                          // x with row 0 set to 5
 * np.at(x, null, [1, 3]).add(1)               // x[:, 1:3] += 1
 * np.at(v, np.array([0, 0, 2])).add(1)        // duplicates accumulate: v[0] += 2, v[2] += 1
 * x.at('...', -1).multiply(2)                 // method form
 */
export function at(x: Tensor, ...index: SliceIndex[]): IndexUpdater {
  if (!(x instanceof Tensor)) throw new ValueError(`at: expected a tensor, got ${typeof x}`);
  return {
    get: () => slice(x, ...index),
    set: (values) => update('set', x, index, values),
    add: (values) => update('add', x, index, values),
    multiply: (values) => update('multiply', x, index, values),
  };
}
