/**
 * The `threefry2x32` primitive: the Threefry-2x32 block cipher applied
 * elementwise to two key words and two counter words, the hash behind the
 * `random` module. Its outputs are bits, so it has no tangents; batching
 * aligns every operand's batch axis at 0 (broadcasting unbatched ones).
 */
import { ShapedArray } from '../aval.js';
import type { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { shapesEqual } from '../shape.js';
import { allocOut, backendOf, batchAt0 } from './helpers.js';
import type { PrimitiveRules, RuleSet } from './rules.js';

const OPERANDS = ['key0', 'key1', 'x0', 'x1'];

function threefryAval(avals: ShapedArray[]): ShapedArray[] {
  if (avals.length !== 4)
    throw new ValueError(
      `threefry2x32: takes 4 operands (key0, key1, x0, x1), got ${avals.length}`,
    );
  const all = avals.map(String).join(', ');
  avals.forEach((a, i) => {
    if (a.dtype !== 'uint32')
      throw new DTypeError(
        `threefry2x32: ${OPERANDS[i]} must be uint32, got ${a} (operands ${all})`,
      );
  });
  const shape = (avals[0] as ShapedArray).shape;
  if (!avals.every((a) => shapesEqual(a.shape, shape))) {
    throw new ShapeError(`threefry2x32: operands must have one shape, got ${all}`);
  }
  const out = new ShapedArray(shape, 'uint32');
  return [out, out];
}

const threefryRules: PrimitiveRules<'threefry2x32'> = {
  abstractEval: threefryAval,
  impl: (args: DeviceArray[]) => {
    const backend = backendOf('threefry2x32', args);
    const [aval] = threefryAval(args.map((a) => a.aval)) as [ShapedArray];
    const out0 = allocOut(backend, aval);
    const out1 = allocOut(backend, aval);
    if (aval.size > 0) {
      const [k0, k1, x0, x1] = args as [DeviceArray, DeviceArray, DeviceArray, DeviceArray];
      backend.threefry2x32(k0.view, k1.view, x0.view, x1.view, out0.output, out1.output);
    }
    return [out0, out1];
  },
  jvp: (primals) => {
    const [k0, k1, x0, x1] = primals as [Tensor, Tensor, Tensor, Tensor];
    return [lax.threefry2x32(k0, k1, x0, x1), [null, null]];
  },
  vmap: (args, dims, _params, size) => {
    const [k0, k1, x0, x1] = args.map((a, i) => batchAt0(a, dims[i] ?? null, size)) as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    return [lax.threefry2x32(k0, k1, x0, x1), [0, 0]];
  },
};

/** Rules of the PRNG hash primitive. */
export const randomBitsRules: RuleSet<'threefry2x32'> = { threefry2x32: threefryRules };
