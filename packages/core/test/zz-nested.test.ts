import { expect, it } from 'vitest';
import { grad, jit, np, vmap, scope } from '../src/index.js';
it('nested transforms with constants created inside', () => {
  scope(() => {
    const jg = jit(grad((x) => np.sum(x.mul(np.array([1, 2])))));
    const g = jg(np.array([3.5, 4]));
    expect(Array.from(g.dataSync())).toEqual([1, 2]);
    jg.dispose();
    const h = grad(grad((v) => np.sum(v.mul(v).mul(np.array([1.5, 2])))))(np.array(2.5));
    expect(h.item()).toBeCloseTo(3 + 4);
    const f = (v) => np.sum(v.mul(np.array([1, 2])).sin());
    const k = grad((v) => np.sum(vmap(grad(f))(v)))(np.array([[0.1, 0.2], [0.3, 0.4]]));
    expect(k.shape).toEqual([2, 2]);
  });
});
