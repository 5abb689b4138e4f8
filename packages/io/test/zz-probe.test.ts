import { fromHost, memory, np, tree } from '@tensile/core';
import { expect, test } from 'vitest';
test('probe', async () => {
  const a = fromHost(new Float32Array(0), [0, 3], 'float32');
  const b = fromHost(new Float32Array([3.25]), [], 'float32');
  console.log(a.shape, await a.data(), b.shape, await b.toArray(), memory());
  const c = fromHost(new Uint8Array([1, 0, 1]), [3], 'bool');
  console.log(await c.toArray(), c.dtype);
  a.dispose(); b.dispose(); c.dispose();
  const z = np.zeros([2]);
  console.log(tree.structure({ x: z, n: 1 }).toString(), z.constructor.name);
  z.dispose();
  expect(1).toBe(1);
});
