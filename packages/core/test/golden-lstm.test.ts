/**
 * An LSTM written with `np` ops and `lax.scan`, checked against PyTorch's `torch.nn.LSTM`
 * (fixtures/golden/lstm_cell.json, float64 references): the outputs at every step, the final
 * state, and the gradients of the loss with respect to the inputs, the initial state and every
 * weight — eagerly and under `jit`. Exercises scan's reverse mode through a real recurrence.
 */
import { describe, expect, it } from 'vitest';
import { jit, lax, nn, np, scope, type Tensor, valueAndGrad } from '../src/index.js';
import { expectGolden, type GoldenCase, goldenTensor, loadGolden } from './support/golden.js';

/** PyTorch's LSTM weights: gates stacked in the order i, f, g, o. */
interface LstmParams {
  weightIh: Tensor; // [4H, I]
  weightHh: Tensor; // [4H, H]
  biasIh: Tensor; // [4H]
  biasHh: Tensor; // [4H]
}

/** Run the LSTM over `x` [T, B, I] from state (h0, c0) [B, H]: outputs y [T, B, H] and the final state. */
function lstm(p: LstmParams, x: Tensor, h0: Tensor, c0: Tensor): [Tensor, Tensor, Tensor] {
  const wIh = np.transpose(p.weightIh);
  const wHh = np.transpose(p.weightHh);
  const bias = np.add(p.biasIh, p.biasHh);
  const step = ([h, c]: Tensor[], xt: Tensor): [Tensor[], Tensor] => {
    const gates = np
      .matmul(xt, wIh)
      .add(np.matmul(h as Tensor, wHh))
      .add(bias);
    const [i, f, g, o] = np.split(gates, 4, { axis: 1 }) as [Tensor, Tensor, Tensor, Tensor];
    const cNext = nn
      .sigmoid(f)
      .mul(c as Tensor)
      .add(nn.sigmoid(i).mul(np.tanh(g)));
    const hNext = nn.sigmoid(o).mul(np.tanh(cNext));
    return [[hNext, cNext], hNext];
  };
  const [[hN, cN], ys] = lax.scan(step, [h0, c0], x);
  return [ys, hN as Tensor, cN as Tensor];
}

/** The case's loss as a function of (params, x, h0, c0), returning the outputs as aux. */
function lossFor(c: GoldenCase) {
  return (p: LstmParams, x: Tensor, h0: Tensor, c0: Tensor) => {
    const [y, hN, cN] = lstm(p, x, h0, c0);
    let loss = np.sum(y.mul(goldenTensor(c.inputs.ct)));
    if (c.inputs.ct_h) loss = loss.add(np.sum(hN.mul(goldenTensor(c.inputs.ct_h))));
    if (c.inputs.ct_c) loss = loss.add(np.sum(cN.mul(goldenTensor(c.inputs.ct_c))));
    return [loss, { y, hN, cN }] as const;
  };
}

type Outputs = { y: Tensor; hN: Tensor; cN: Tensor };
type Grads = [LstmParams, Tensor, Tensor, Tensor];

function expectMatchesTorch(c: GoldenCase, outs: Outputs, grads: Grads): void {
  const [dp, dx, dh0, dc0] = grads;
  expectGolden(outs.y, c.outputs.y);
  expectGolden(outs.hN, c.outputs.h_n);
  expectGolden(outs.cN, c.outputs.c_n);
  expectGolden(dx, c.outputs.dx);
  expectGolden(dh0, c.outputs.dh0);
  expectGolden(dc0, c.outputs.dc0);
  expectGolden(dp.weightIh, c.outputs.dweight_ih);
  expectGolden(dp.weightHh, c.outputs.dweight_hh);
  expectGolden(dp.biasIh, c.outputs.dbias_ih);
  expectGolden(dp.biasHh, c.outputs.dbias_hh);
}

describe('LSTM (np + lax.scan) against torch.nn.LSTM', () => {
  for (const c of loadGolden('lstm_cell')) {
    const inputs = () => {
      const params: LstmParams = {
        weightIh: goldenTensor(c.inputs.weight_ih),
        weightHh: goldenTensor(c.inputs.weight_hh),
        biasIh: goldenTensor(c.inputs.bias_ih),
        biasHh: goldenTensor(c.inputs.bias_hh),
      };
      const x = goldenTensor(c.inputs.x);
      return [params, x, goldenTensor(c.inputs.h0), goldenTensor(c.inputs.c0)] as const;
    };
    const vg = valueAndGrad(lossFor(c), { argnums: [0, 1, 2, 3], hasAux: true });

    it(`${c.name}: outputs, final state and all gradients`, () => {
      scope(() => {
        const [[, outs], grads] = vg(...inputs()) as unknown as [[Tensor, Outputs], Grads];
        expect(outs.y.shape).toEqual([c.params.T, c.params.B, c.params.H]);
        expectMatchesTorch(c, outs, grads);
      });
    });

    it(`${c.name}: the same under jit`, () => {
      scope(() => {
        const jitted = jit(vg);
        const [[, outs], grads] = jitted(...inputs()) as unknown as [[Tensor, Outputs], Grads];
        expectMatchesTorch(c, outs, grads);
        jitted.dispose();
      });
    });
  }
});
