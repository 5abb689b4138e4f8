#!/usr/bin/env python3
"""Golden values for 2-D pooling: fixtures/golden/pool.json.

PyTorch (float64) max_pool2d and avg_pool2d forward outputs and input gradients
dx = d/dx sum(y * ct), for three window configurations:
  kernel 2 stride 2 (no padding), kernel 3 stride 2 padding 1, kernel 3 stride 1 (no padding).
Input is NCHW. ceil_mode is false everywhere (floor output sizes).

Params: {"op": "max"|"avg", "kernel": [kh, kw], "stride": [sh, sw], "padding": [[pt, pb], [pl, pr]],
"count_include_pad": bool (avg only)}.
  - Max pooling pads with -inf (padding never wins). Max-pool inputs are a random permutation of
    distinct values (k - n/2) * 0.01, so there are no ties and the gradient is unique.
  - Average pooling: count_include_pad=true divides by kh*kw always (padding counts as zeros);
    count_include_pad=false divides by the number of real (unpadded) elements in the window.
    For the unpadded configurations the two are identical, so only count_include_pad=false is
    emitted for them; the padded configuration (kernel 3 stride 2 padding 1) has both.

Run: /usr/bin/python3 scripts/golden/pool.py   (needs python3-numpy, python3-torch)
"""
import sys

import torch.nn.functional as F
import torch

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/pool.py"
inputs = Inputs(seed=20240602)
cases = []


def add(name, op, x_shape, kernel, stride, pad, count_include_pad=None):
    x_dec = inputs.distinct(x_shape) if op == "max" else inputs.normal(x_shape)
    x = as_f32_tensor(x_dec, True)
    if op == "max":
        assert len(torch.unique(x)) == x.numel(), "max-pool input must have no ties"
    if op == "max":
        y = F.max_pool2d(x, kernel, stride, padding=pad)
    else:
        y = F.avg_pool2d(x, kernel, stride, padding=pad, count_include_pad=count_include_pad)
    ct_dec = inputs.normal(list(y.shape))
    (dx,) = torch.autograd.grad(y, [x], as_f32_tensor(ct_dec))
    params = {"op": op, "kernel": kernel, "stride": stride, "padding": [[pad, pad], [pad, pad]]}
    if op == "avg":
        params["count_include_pad"] = count_include_pad
    cases.append({
        "name": name,
        "inputs": {"x": arr_input(x_dec), "ct": arr_input(ct_dec)},
        "params": params,
        "outputs": {"y": arr_output(y), "dx": arr_output(dx)},
    })


for op in ("max", "avg"):
    extra = {} if op == "max" else {"count_include_pad": False}
    add(f"{op}_k2_s2", op, [2, 3, 6, 6], [2, 2], [2, 2], 0, **extra)
    add(f"{op}_k2_s2_odd", op, [1, 2, 7, 5], [2, 2], [2, 2], 0, **extra)
    if op == "max":
        add("max_k3_s2_p1", op, [2, 2, 7, 7], [3, 3], [2, 2], 1)
        add("max_k3_s2_p1_even", op, [1, 2, 6, 8], [3, 3], [2, 2], 1)
    else:
        for cip in (False, True):
            tag = "include_pad" if cip else "exclude_pad"
            add(f"avg_k3_s2_p1_{tag}", op, [2, 2, 7, 7], [3, 3], [2, 2], 1, count_include_pad=cip)
            add(f"avg_k3_s2_p1_even_{tag}", op, [1, 2, 6, 8], [3, 3], [2, 2], 1, count_include_pad=cip)
    add(f"{op}_k3_s1", op, [1, 2, 6, 5], [3, 3], [1, 1], 0, **extra)

write_golden("pool.json", GEN, cases, notes=__doc__.strip())
