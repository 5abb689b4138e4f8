#!/usr/bin/env python3
"""Golden values for a single-layer LSTM unrolled over time: fixtures/golden/lstm_cell.json.

torch.nn.LSTM (float64, num_layers=1, batch_first=False, bias=True), T=5, B=3, I=4, H=6.
Gate order in the stacked weights is i, f, g, o (PyTorch's order; rows [0:H) = input gate,
[H:2H) = forget gate, [2H:3H) = cell candidate g, [3H:4H) = output gate):
  gates = x_t @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh          [B, 4H]
  i, f, o = sigmoid(.), g = tanh(.);  c' = f * c + i * g;  h' = o * tanh(c')
Inputs: x [T, B, I]; h0, c0 [B, H] (PyTorch's leading num_layers=1 axis dropped);
weight_ih [4H, I], weight_hh [4H, H], bias_ih [4H], bias_hh [4H]; cotangents.
Outputs: y [T, B, H] (h at every step), h_n, c_n [B, H], and the gradients of the scalar loss
  case "lstm_T5_B3_I4_H6":            L = sum(y * ct)
  case "lstm_T5_B3_I4_H6_final_ct":   L = sum(y * ct) + sum(h_n * ct_h) + sum(c_n * ct_c)
with respect to x, h0, c0 and each weight: dx, dh0, dc0, dweight_ih, dweight_hh, dbias_ih, dbias_hh.
The forward pass is also checked against a hand-written numpy unroll of the equations above.

Run: /usr/bin/python3 scripts/golden/lstm_cell.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/lstm_cell.py"
T, B, I, H = 5, 3, 4, 6
inputs = Inputs(seed=20240604)
cases = []


def numpy_lstm(x, h, c, wih, whh, bih, bhh):
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    ys = []
    for t in range(x.shape[0]):
        gates = x[t] @ wih.T + bih + h @ whh.T + bhh
        i, f, g, o = np.split(gates, 4, axis=1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def add(name, final_ct):
    dec = {
        "x": inputs.normal([T, B, I]),
        "h0": inputs.normal([B, H], scale=0.5),
        "c0": inputs.normal([B, H], scale=0.5),
        "weight_ih": inputs.normal([4 * H, I], scale=0.4),
        "weight_hh": inputs.normal([4 * H, H], scale=0.4),
        "bias_ih": inputs.normal([4 * H], scale=0.2),
        "bias_hh": inputs.normal([4 * H], scale=0.2),
    }
    t = {k: as_f32_tensor(v, True) for k, v in dec.items()}
    lstm = torch.nn.LSTM(I, H, num_layers=1, bias=True, batch_first=False).double()
    with torch.no_grad():
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, k + "_l0").copy_(t[k])
    y, (hn, cn) = lstm(t["x"], (t["h0"].unsqueeze(0), t["c0"].unsqueeze(0)))
    hn, cn = hn.squeeze(0), cn.squeeze(0)

    ref_y, ref_h, ref_c = numpy_lstm(*(t[k].detach().numpy() for k in
                                       ("x", "h0", "c0", "weight_ih", "weight_hh", "bias_ih", "bias_hh")))
    for a, b in ((ref_y, y), (ref_h, hn), (ref_c, cn)):
        assert np.allclose(a, b.detach().numpy(), rtol=1e-12, atol=1e-13), name

    dec["ct"] = inputs.normal([T, B, H])
    loss = (y * as_f32_tensor(dec["ct"])).sum()
    if final_ct:
        dec["ct_h"] = inputs.normal([B, H])
        dec["ct_c"] = inputs.normal([B, H])
        loss = loss + (hn * as_f32_tensor(dec["ct_h"])).sum() + (cn * as_f32_tensor(dec["ct_c"])).sum()
    params = [p for _, p in lstm.named_parameters()]
    names = [n for n, _ in lstm.named_parameters()]
    g = torch.autograd.grad(loss, [t["x"], t["h0"], t["c0"]] + params)
    grads = dict(zip(["x", "h0", "c0"] + [n.replace("_l0", "") for n in names], g))

    outputs = {"y": arr_output(y), "h_n": arr_output(hn), "c_n": arr_output(cn)}
    for k in ("x", "h0", "c0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        outputs["d" + k] = arr_output(grads[k])
    cases.append({
        "name": name,
        "inputs": {k: arr_input(v) for k, v in dec.items()},
        "params": {"T": T, "B": B, "I": I, "H": H, "gate_order": "ifgo", "batch_first": False,
                   "loss": "sum(y*ct) + sum(h_n*ct_h) + sum(c_n*ct_c)" if final_ct else "sum(y*ct)"},
        "outputs": outputs,
    })


add("lstm_T5_B3_I4_H6", final_ct=False)
add("lstm_T5_B3_I4_H6_final_ct", final_ct=True)

write_golden("lstm_cell.json", GEN, cases, notes=__doc__.strip())
