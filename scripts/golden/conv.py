#!/usr/bin/env python3
"""Golden values for convolution: fixtures/golden/conv.json.

PyTorch (float64) forward outputs of conv1d / conv2d / conv_transpose2d and their VJPs with a
cotangent `ct`: dx = d/dx sum(y * ct), dw = d/dw sum(y * ct). No bias.

Layouts: x is NCHW (NCL for 1-D); w is OIHW (O, C_in/groups, kH, kW) for ordinary convolution and
IOHW (C_in, C_out/groups, kH, kW) for the transposed one (PyTorch's layouts). Convolution is
cross-correlation (the kernel is not flipped), as in PyTorch, JAX and TF.

Params per case: {"stride": [sh, sw], "padding": [[pt, pb], [pl, pr]], "dilation": [dh, dw],
"groups": g} (1-D cases use one entry per list). Asymmetric padding is applied with F.pad before
an unpadded convolution. Transposed cases add "transposed": true, "output_padding": [oh, ow], and
"equivalent_conv": the same result as an ordinary convolution of x dilated by `stride`
("lhs_dilation") with the spatially flipped, I/O-swapped kernel and explicit padding.

Every forward result is also checked against a direct numpy loop implementation.

Run: /usr/bin/python3 scripts/golden/conv.py   (needs python3-numpy, python3-torch)
"""
import itertools
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/conv.py"
inputs = Inputs(seed=20240601)


def pad_spatial(x, padding):
    """F.pad with [[lo, hi], ...] per spatial dim (first spatial dim first)."""
    flat = []
    for lo, hi in reversed(padding):
        flat += [lo, hi]
    return F.pad(x, flat)


def torch_conv(x, w, p):
    nd = len(p["stride"])
    xp = pad_spatial(x, p["padding"])
    fn = F.conv1d if nd == 1 else F.conv2d
    return fn(xp, w, stride=p["stride"], padding=0, dilation=p["dilation"], groups=p["groups"])


def numpy_conv(x, w, p):
    """Direct loops: y[n,o,*i] = sum_{c,*k} xpad[n, g*Cg + c, *(i*s + k*d)] * w[o, c, *k]."""
    nd = len(p["stride"])
    x = np.pad(x, [(0, 0), (0, 0)] + [tuple(pp) for pp in p["padding"]])
    n_, cin = x.shape[:2]
    o_, cg = w.shape[:2]
    g = p["groups"]
    og = o_ // g
    ks = w.shape[2:]
    s, d = p["stride"], p["dilation"]
    out_sp = [(x.shape[2 + i] - d[i] * (ks[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    y = np.zeros([n_, o_] + out_sp)
    for n in range(n_):
        for o in range(o_):
            gi = o // og
            for pos in itertools.product(*[range(v) for v in out_sp]):
                acc = 0.0
                for c in range(cg):
                    for k in itertools.product(*[range(v) for v in ks]):
                        idx = tuple(pos[i] * s[i] + k[i] * d[i] for i in range(nd))
                        acc += x[(n, gi * cg + c) + idx] * w[(o, c) + k]
                y[(n, o) + pos] = acc
    return y


def dilate(x, factors):
    """Insert (factor - 1) zeros between spatial elements (lhs dilation)."""
    n, c = x.shape[:2]
    sp = x.shape[2:]
    new = [(sp[i] - 1) * factors[i] + 1 for i in range(len(sp))]
    out = x.new_zeros([n, c] + new)
    sl = (slice(None), slice(None)) + tuple(slice(None, None, f) for f in factors)
    out[sl] = x
    return out


cases = []


def add_conv(name, x_shape, w_shape, stride, padding, dilation=None, groups=1):
    nd = len(x_shape) - 2
    dilation = dilation or [1] * nd
    p = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    x_dec, w_dec = inputs.normal(x_shape), inputs.normal(w_shape, scale=0.5)
    x, w = as_f32_tensor(x_dec, True), as_f32_tensor(w_dec, True)
    y = torch_conv(x, w, p)
    ref = numpy_conv(x.detach().numpy(), w.detach().numpy(), p)
    assert ref.shape == tuple(y.shape) and np.allclose(ref, y.detach().numpy(), rtol=1e-12, atol=1e-12), name
    ct_dec = inputs.normal(list(y.shape))
    dx, dw = torch.autograd.grad(y, [x, w], as_f32_tensor(ct_dec))
    cases.append({
        "name": name,
        "inputs": {"x": arr_input(x_dec), "w": arr_input(w_dec), "ct": arr_input(ct_dec)},
        "params": p,
        "outputs": {"y": arr_output(y), "dx": arr_output(dx), "dw": arr_output(dw)},
    })


def add_conv_transpose(name, x_shape, w_shape, stride, padding, output_padding, dilation=None, groups=1):
    dilation = dilation or [1, 1]
    x_dec, w_dec = inputs.normal(x_shape), inputs.normal(w_shape, scale=0.5)
    x, w = as_f32_tensor(x_dec, True), as_f32_tensor(w_dec, True)
    y = F.conv_transpose2d(x, w, stride=stride, padding=[pp[0] for pp in padding],
                           output_padding=output_padding, groups=groups, dilation=dilation)
    # Equivalent ordinary convolution (the form JAX's conv_general_dilated / conv_transpose uses).
    ks = w_shape[2:]
    eq_pad = [[dilation[i] * (ks[i] - 1) - padding[i][0],
               dilation[i] * (ks[i] - 1) - padding[i][1] + output_padding[i]] for i in range(2)]
    cin, coutg = w_shape[:2]
    # IOHW (grouped) -> OIHW: per group swap I and O, then flip spatial dims.
    wg = w.detach().reshape(groups, cin // groups, coutg, *ks).transpose(1, 2)
    w_eq = wg.reshape(groups * coutg, cin // groups, *ks).flip(2, 3)
    y_eq = F.conv2d(pad_spatial(dilate(x.detach(), stride), eq_pad), w_eq, dilation=dilation, groups=groups)
    assert y_eq.shape == y.shape and torch.allclose(y_eq, y.detach(), rtol=1e-12, atol=1e-12), name
    ct_dec = inputs.normal(list(y.shape))
    dx, dw = torch.autograd.grad(y, [x, w], as_f32_tensor(ct_dec))
    cases.append({
        "name": name,
        "inputs": {"x": arr_input(x_dec), "w": arr_input(w_dec), "ct": arr_input(ct_dec)},
        "params": {
            "stride": stride, "padding": padding, "dilation": dilation, "groups": groups,
            "transposed": True, "output_padding": output_padding, "weight_layout": "IOHW",
            "equivalent_conv": {
                "lhs_dilation": stride, "padding": eq_pad, "rhs_dilation": dilation,
                "kernel": "flip spatial dims and swap I/O per group (IOHW -> OIHW)",
            },
        },
        "outputs": {"y": arr_output(y), "dx": arr_output(dx), "dw": arr_output(dw)},
    })


add_conv("conv2d_basic_s1_p0", [2, 3, 6, 6], [4, 3, 3, 3], [1, 1], [[0, 0], [0, 0]])
add_conv("conv2d_s1_p1_same", [2, 3, 5, 5], [4, 3, 3, 3], [1, 1], [[1, 1], [1, 1]])
add_conv("conv2d_s2_p1", [2, 3, 8, 8], [4, 3, 3, 3], [2, 2], [[1, 1], [1, 1]])
add_conv("conv2d_s2_p0_uneven", [1, 2, 7, 7], [3, 2, 3, 3], [2, 2], [[0, 0], [0, 0]])
add_conv("conv2d_asym_pad", [1, 2, 6, 7], [3, 2, 3, 3], [2, 2], [[0, 1], [1, 2]])
add_conv("conv2d_dilation2", [1, 2, 9, 9], [3, 2, 3, 3], [1, 1], [[2, 2], [2, 2]], dilation=[2, 2])
add_conv("conv2d_groups2", [2, 4, 6, 6], [6, 2, 3, 3], [1, 1], [[1, 1], [1, 1]], groups=2)
add_conv("conv2d_depthwise", [2, 3, 6, 6], [3, 1, 3, 3], [1, 1], [[1, 1], [1, 1]], groups=3)
add_conv("conv2d_depthwise_multiplier2", [1, 3, 5, 5], [6, 1, 3, 3], [2, 2], [[1, 1], [1, 1]], groups=3)
add_conv("conv2d_1x1", [2, 5, 4, 4], [3, 5, 1, 1], [1, 1], [[0, 0], [0, 0]])
add_conv("conv2d_nonsquare", [1, 2, 5, 9], [3, 2, 2, 4], [1, 2], [[1, 1], [0, 0]])
add_conv("conv1d_s2_p1", [2, 3, 10], [4, 3, 3], [2], [[1, 1]])
add_conv("conv1d_dilation2_groups3", [1, 6, 12], [3, 2, 3], [1], [[2, 1]], dilation=[2], groups=3)
add_conv_transpose("conv_transpose2d_s2_k3_p1_op1", [2, 4, 4, 4], [4, 3, 3, 3], [2, 2], [[1, 1], [1, 1]], [1, 1])
add_conv_transpose("conv_transpose2d_s2_k4_p1", [1, 3, 3, 3], [3, 2, 4, 4], [2, 2], [[1, 1], [1, 1]], [0, 0])

write_golden("conv.json", GEN, cases, notes=__doc__.strip())
