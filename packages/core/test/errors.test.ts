/**
 * A catalogue of representative errors across `np`, `lax` and the transforms: each must be of the
 * documented class and its message must name the op and the offending shapes, dtypes or values
 * (DESIGN.md: errors say what was wrong and where), so a user can fix the call from the message.
 */
import { describe, expect, it } from 'vitest';
import {
  ConcretizationError,
  DTypeError,
  grad,
  jit,
  jvp,
  lax,
  np,
  ShapeError,
  scope,
  TensileError,
  type Tensor,
  ValueError,
  vjp,
  vmap,
} from '../src/index.js';

type ErrorClass = new (...args: never[]) => Error;

/** One expected failure: what is called, the error class, and text its message must contain. */
type Case = [name: string, call: () => unknown, cls: ErrorClass, message: string | RegExp];

const f32 = (shape: number[]) => np.zeros(shape);
const i32 = (shape: number[]) => np.zeros(shape, { dtype: 'int32' });

function check(cases: readonly Case[]): void {
  for (const [name, call, cls, message] of cases) {
    it(name, () => {
      scope(() => {
        let caught: unknown;
        try {
          call();
        } catch (e) {
          caught = e;
        }
        expect(caught, 'expected a throw').toBeInstanceOf(cls);
        expect(caught).toBeInstanceOf(TensileError);
        const text = (caught as Error).message;
        if (typeof message === 'string') expect(text).toContain(message);
        else expect(text).toMatch(message);
      });
    });
  }
}

describe('np', () => {
  check([
    [
      'matmul with contracting dims that differ',
      () => np.matmul(f32([32, 784]), f32([512, 256])),
      ShapeError,
      'matmul: contracting dims differ: [32,784] @ [512,256]',
    ],
    [
      'matmul with batch dims that do not broadcast',
      () => np.matmul(f32([2, 3, 4]), f32([5, 4, 2])),
      ShapeError,
      'matmul: batch dims cannot be broadcast together: [2,3,4] @ [5,4,2]',
    ],
    [
      'reshape to a different number of elements',
      () => np.reshape(f32([2, 3]), [4, 2]),
      ShapeError,
      'reshape: cannot reshape [2,3] (6 elements) into [4,2]',
    ],
    [
      'reshape with two inferred dims',
      () => f32([2, 3]).reshape([-1, -1]),
      ShapeError,
      'reshape: only one dimension can be -1, got [-1,-1]',
    ],
    [
      'broadcasting failure in a binary op',
      () => np.add(f32([2, 3]), f32([4])),
      ShapeError,
      'add: shapes [2,3], [4] cannot be broadcast together',
    ],
    [
      'broadcasting failure in where',
      () => np.where(f32([2]), f32([3]), f32([4])),
      ShapeError,
      'where: shapes [3], [4] cannot be broadcast together',
    ],
    [
      'broadcastTo an incompatible shape',
      () => np.broadcastTo(f32([3]), [2, 4]),
      ShapeError,
      'broadcastTo: cannot broadcast [3] to [2,4]',
    ],
    [
      'concatenate operands of different rank',
      () => np.concatenate([f32([2, 3]), f32([3])]),
      ShapeError,
      'concatenate: shapes [2,3], [3] must match except along axis 0',
    ],
    [
      'stack operands of different shapes',
      () => np.stack([f32([3]), f32([4])]),
      ShapeError,
      'stack: all tensors need the same shape, got [3], [4]',
    ],
    [
      'take along an axis out of range',
      () => np.take(f32([2, 3]), i32([1]), { axis: 2 }),
      ValueError,
      'take: axis 2 is out of bounds for a tensor of rank 2',
    ],
    [
      'reduction over an axis out of range',
      () => np.mean(f32([2, 3]), { axis: -3 }),
      ValueError,
      'mean: axis -3 is out of bounds for a tensor of rank 2',
    ],
    [
      'squeeze of an axis that is not 1',
      () => np.squeeze(f32([2, 3]), 0),
      ShapeError,
      'squeeze: cannot squeeze axis 0 of size 2 in [2,3]',
    ],
    [
      'transpose with axes that are not a permutation',
      () => f32([2, 3]).transpose([0, 0]),
      ValueError,
      'transpose: [0,0] is not a permutation of 2 axes',
    ],
    [
      'einsum with a label of two sizes',
      () => np.einsum('ij,jk->ik', f32([2, 3]), f32([4, 5])),
      ShapeError,
      "einsum: label 'j' has sizes 3 and 4 in 'ij,jk->ik' (shapes [2,3], [4,5])",
    ],
    [
      'split into unequal sections',
      () => np.split(f32([5]), 2),
      ValueError,
      'split: axis 0 of size 5 (shape [5]) cannot be split into 2 equal sections',
    ],
    [
      'bitwise op on floats',
      () => np.bitwiseAnd(f32([2]), f32([2])),
      DTypeError,
      'bitwiseAnd: needs bool or integer operands, got f32[2]',
    ],
    [
      'astype to an unknown dtype',
      () => f32([2]).astype('int64' as never),
      DTypeError,
      'astype: unknown dtype "int64"',
    ],
    [
      'item of a tensor with several elements',
      () => f32([2, 3]).item(),
      ValueError,
      'item: only a tensor with one element can be converted to a scalar, got f32[2,3]',
    ],
  ]);
});

describe('lax', () => {
  check([
    [
      'dotGeneral with contracting dims that differ',
      () => lax.dotGeneral(f32([2, 3]), f32([4, 5]), { contracting: [[1], [0]], batch: [[], []] }),
      ShapeError,
      'dotGeneral: contracting dims differ: [2,3] @ [4,5]',
    ],
    [
      'conv with lhs channels that do not match the kernel',
      () => lax.conv(f32([1, 3, 5, 5]), f32([4, 2, 3, 3]), [1, 1], 'VALID'),
      ShapeError,
      'conv: lhs channels 3 / featureGroupCount 1 must equal rhs input channels 2: [1,3,5,5] * [4,2,3,3]',
    ],
    [
      'a binary op on different dtypes (lax does not promote)',
      () => lax.add(f32([2]), i32([2])),
      DTypeError,
      'add: operand dtypes differ: f32[2] and i32[2]',
    ],
    [
      'reshape to a different number of elements',
      () => lax.reshape(f32([2, 3]), [5]),
      ShapeError,
      'reshape: cannot reshape f32[2,3] (6 elements) into [5] (5 elements)',
    ],
    [
      'transpose with too few axes',
      () => lax.transpose(f32([2, 3]), [0]),
      ValueError,
      'transpose: [0] is not a permutation of the axes of f32[2,3]',
    ],
    [
      'broadcastInDim into an incompatible dim',
      () => lax.broadcastInDim(f32([3]), [2, 4], [1]),
      ShapeError,
      'broadcastInDim: operand dim 0 (3) must be 1 or equal output dim 1 (4)',
    ],
    [
      'slice past the end',
      () => lax.slice(f32([2, 3]), [0, 0], [3, 3]),
      ValueError,
      'slice: need 0 <= start <= limit <= dim in dim 0: f32[2,3]',
    ],
    [
      'gather with float indices',
      () => lax.gather(f32([2, 3]), f32([2]), 0),
      DTypeError,
      'gather: indices must be int32, got f32[2]',
    ],
    [
      'reduceWindow with a window of the wrong rank',
      () => lax.reduceWindow(f32([1, 4, 4]), 'max', [2, 2], [1, 1], 'VALID'),
      ShapeError,
      'reduceWindow: windowDimensions [2,2] and windowStrides [1,1] must have one entry per dim of [1,4,4]',
    ],
    [
      'scan whose body changes the carry type',
      () => lax.scan((c: Tensor, x: Tensor) => [c.add(x).sum(), c], f32([2]), f32([3, 2])),
      ShapeError,
      'scan: the carry returned by the body must have the structure and types of the initial carry: init f32[2] but the body returned f32[]',
    ],
  ]);
});

describe('transforms', () => {
  check([
    [
      'grad of a non-scalar function',
      () => grad((x: Tensor) => x.mul(2))(f32([3])),
      ShapeError,
      'grad: f must return a scalar, got f32[3]',
    ],
    [
      'grad with respect to an integer argument',
      () => grad((x: Tensor) => np.sum(x))(i32([2])),
      DTypeError,
      'grad: can only differentiate float inputs; argument 0 has int32',
    ],
    [
      'grad with argnums out of range',
      () => grad((x: Tensor) => np.sum(x), { argnums: 2 })(f32([2])),
      TensileError,
      'grad: argnums 2 out of range for 1 arguments',
    ],
    [
      'jvp with a tangent of the wrong shape',
      () => jvp((x: Tensor) => x.sin(), [f32([2])], [f32([3])]),
      ShapeError,
      'jvp: tangent f32[3] does not match primal f32[2]',
    ],
    [
      'a vjp pullback given a cotangent of the wrong shape',
      () => {
        const [, pullback] = vjp((x: Tensor) => x.sin(), f32([2]));
        try {
          return pullback(f32([3]));
        } finally {
          pullback.dispose();
        }
      },
      ShapeError,
      'vjp: cotangent f32[3] does not match output f32[2]',
    ],
    [
      'vmap over axes of different sizes',
      () => vmap((a: Tensor, b: Tensor) => a.add(b))(f32([2, 3]), f32([3, 3])),
      ShapeError,
      'vmap: mapped axes have different sizes (2 and 3)',
    ],
    [
      'vmap over an axis out of range',
      () => vmap((a: Tensor) => a, { inAxes: 3 })(f32([2, 3])),
      ValueError,
      'vmap: axis 3 is out of bounds for a tensor of rank 2',
    ],
    [
      'vmap with inAxes for the wrong number of arguments',
      () => vmap((a: Tensor) => a, { inAxes: [0, 0] })(f32([2, 3])),
      ValueError,
      'vmap: inAxes has 2 entries for 1 arguments',
    ],
    [
      'vmap with nothing mapped and no axisSize',
      () => vmap(() => f32([2]))(),
      ValueError,
      'vmap: no argument is mapped; pass axisSize',
    ],
    [
      'a JS branch on a traced value under jit',
      () => {
        const f = jit((x: Tensor) => ((x.sum().item() as number) > 0 ? x : x.neg()));
        try {
          return f(f32([2]));
        } finally {
          f.dispose();
        }
      },
      ConcretizationError,
      /traced tensor f32\[\] is not known while staging.*lax\.cond\/np\.where/,
    ],
  ]);
});
