/**
 * One time step of each recurrent cell kind, from the already projected input
 * `xp = x·Wihᵀ + bih` and the carry (`[h]`, or `[h, c]` for the LSTM). Shared by the cells'
 * `apply` and the sequence layers' scans, which project the input for all steps at once.
 */
import { nn as F, np, type Tensor } from '@tensile/core';
import type { GRUCell } from '../layers/gru-cell.js';
import type { LSTMCell } from '../layers/lstm-cell.js';
import type { RNNCell } from '../layers/rnn-cell.js';
import { projectHidden } from './recurrent-cell.js';

/** Elman step: `h' = act(xp + h·Whhᵀ + bhh)`. */
export function rnnStep(cell: RNNCell, xp: Tensor, [h]: readonly Tensor[]): Tensor[] {
  const pre = xp.add(projectHidden(cell, h as Tensor));
  return [cell.nonlinearity === 'tanh' ? pre.tanh() : F.relu(pre)];
}

/** LSTM step, gate blocks i, f, g, o: the new `[h, c]`. */
export function lstmStep(cell: LSTMCell, xp: Tensor, [h, c]: readonly Tensor[]): Tensor[] {
  const gates = xp.add(projectHidden(cell, h as Tensor));
  const [i, f, g, o] = np.split(gates, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor];
  const cNew = F.sigmoid(f)
    .mul(c as Tensor)
    .add(F.sigmoid(i).mul(g.tanh()));
  return [F.sigmoid(o).mul(cNew.tanh()), cNew];
}

/** GRU step, gate blocks r, z, n with `n = tanh(xn + r·(Whn·h + bhn))`: the new `[h]`. */
export function gruStep(cell: GRUCell, xp: Tensor, [h]: readonly Tensor[]): Tensor[] {
  const [xr, xz, xn] = np.split(xp, 3, { axis: -1 }) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = np.split(projectHidden(cell, h as Tensor), 3, { axis: -1 }) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const r = F.sigmoid(xr.add(hr));
  const z = F.sigmoid(xz.add(hz));
  const n = xn.add(r.mul(hn)).tanh();
  return [n.add(z.mul((h as Tensor).sub(n)))];
}
