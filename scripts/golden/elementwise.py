#!/usr/bin/env python3
"""Golden values for elementwise functions and their derivatives: fixtures/golden/elementwise.json.

One case per function (PyTorch float64): input x [N], outputs y = f(x) [N] and dy = f'(x) [N]
(from autograd: d/dx sum(f(x)); for tanh and sigmoid from the closed forms 1/cosh^2(x) and
sigmoid(x) * sigmoid(-x), checked against autograd, because autograd's 1 - tanh^2 and s * (1 - s)
round to 0 in the tails). Functions and the PyTorch call used:
  erf, erfinv, exp, log1p, expm1, tanh, sigmoid           torch.<fn>
  softplus        log(1 + exp(x)) = F.softplus(x, threshold=1000): no "return x above 20"
                  shortcut (exact in float64 for |x| <= 100; torch.logaddexp is not, in 1.13)
  gelu_tanh       0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))   (= F.gelu(approximate="tanh"))
  gelu_exact      0.5 x (1 + erf(x / sqrt(2)))                      (= F.gelu)
                  Both are evaluated in the cancellation-free forms x * sigmoid(2 z) and
                  0.5 x erfc(-x / sqrt 2): F.gelu's float64 result loses digits for x < -4
                  (1 + tanh(z) cancels), which would spoil the left tail of a reference.
  silu            F.silu = x * sigmoid(x)
  elu             F.elu(alpha=1.0) = x if x > 0 else alpha * expm1(x)
  leaky_relu      F.leaky_relu(negative_slope=0.01) = x if x > 0 else 0.01 x
  log_sigmoid     F.logsigmoid = -softplus(-x)
Inputs: the extremes -100, -20, -1e-3, 0, 1e-3, 20, 100 plus +-1e-7, +-1e-5, +-8, +-10 and a grid
-6..6 step 0.25, sorted. Functions with a restricted domain get their own inputs:
  log1p: x > -1;  erfinv: |x| < 1 (including 1 - 2^-10 and 1 - 2^-20, exact in float32).
As everywhere, f was evaluated on float32(x). Large results (exp(100) ~ 2.7e43) are finite in
float64 but overflow float32 (+Infinity under Math.fround).
`params.kinks` lists indices into x where f is not differentiable; dy there is PyTorch's
convention (leaky_relu'(0) = 0.01 in PyTorch; JAX's where(x >= 0, ...) gives 1), so tests may
skip them. elu'(0) = 1 under both conventions (alpha = 1), so it has no listed kink.

Run: /usr/bin/python3 scripts/golden/elementwise.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/elementwise.py"

GENERAL = sorted(set(
    [-100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, -1e-7, 1e-7, -1e-5, 1e-5, -10.0, -8.0, 8.0, 10.0]
    + [k * 0.25 for k in range(-24, 25)]
))
LOG1P = [-0.999, -0.9, -0.5, -0.25, -1e-3, -1e-5, -1e-7, 0.0, 1e-7, 1e-5, 1e-3, 0.25, 0.5, 1.0, 2.0,
         5.0, 20.0, 100.0, 10000.0]
ERFINV_POS = [1e-7, 1e-3, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 0.9, 0.99, 0.999,
              1.0 - 2.0 ** -10, 1.0 - 2.0 ** -20]
ERFINV = sorted([-v for v in ERFINV_POS] + [0.0] + ERFINV_POS)

SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))


def gelu_tanh_accurate(x):
    """0.5 x (1 + tanh(z)) written as x * sigmoid(2 z): no cancellation in the left tail."""
    return x * torch.sigmoid(2.0 * SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))


def gelu_exact_accurate(x):
    """0.5 x (1 + erf(x / sqrt 2)) written as 0.5 x erfc(-x / sqrt 2): no cancellation."""
    return 0.5 * x * torch.erfc(-x / float(np.sqrt(2.0)))


FUNCTIONS = [
    ("erf", torch.erf, {}, GENERAL),
    ("erfinv", torch.erfinv, {}, ERFINV),
    ("exp", torch.exp, {}, GENERAL),
    ("log1p", torch.log1p, {}, LOG1P),
    ("expm1", torch.expm1, {}, GENERAL),
    ("tanh", torch.tanh, {}, GENERAL),
    ("sigmoid", torch.sigmoid, {}, GENERAL),
    ("softplus", lambda x: F.softplus(x, beta=1.0, threshold=1000.0), {}, GENERAL),
    ("gelu_tanh", gelu_tanh_accurate, {"approximate": True}, GENERAL),
    ("gelu_exact", gelu_exact_accurate, {"approximate": False}, GENERAL),
    ("silu", F.silu, {}, GENERAL),
    ("elu", lambda x: F.elu(x, alpha=1.0), {"alpha": 1.0}, GENERAL),
    ("leaky_relu", lambda x: F.leaky_relu(x, negative_slope=0.01), {"negative_slope": 0.01}, GENERAL),
    ("log_sigmoid", F.logsigmoid, {}, GENERAL),
]
KINKS = {"leaky_relu": [0.0]}
# Closed-form derivatives that keep full float64 relative accuracy in the tails, where the
# autograd rules (1 - tanh^2, s * (1 - s)) round to 0 for |x| >= ~19. They are checked against
# autograd (absolute difference <= 1e-15) and stored instead of it.
ACCURATE_DERIVATIVE = {
    "tanh": lambda x: 1.0 / torch.cosh(x) ** 2,
    "sigmoid": lambda x: torch.sigmoid(x) * torch.sigmoid(-x),
}

cases = []
for name, fn, extra, xs in FUNCTIONS:
    x_dec = np.array(xs, dtype=np.float64)
    x = as_f32_tensor(x_dec, True)
    y = fn(x)
    (dy,) = torch.autograd.grad(y.sum(), [x])
    if name in ACCURATE_DERIVATIVE:
        accurate = ACCURATE_DERIVATIVE[name](x.detach())
        assert torch.allclose(accurate, dy, rtol=1e-12, atol=1e-15), name
        dy = accurate
    kinks = [i for i, v in enumerate(xs) if v in KINKS.get(name, [])]
    cases.append({
        "name": name,
        "inputs": {"x": arr_input(x_dec)},
        "params": dict({"fn": name}, **extra, kinks=kinks),
        "outputs": {"y": arr_output(y), "dy": arr_output(dy)},
    })

# Cross-checks of a few closed forms (guards against mislabelled functions).
by = {c["name"]: c for c in cases}
xg = np.array(GENERAL).astype(np.float32).astype(np.float64)
assert np.allclose(by["sigmoid"]["outputs"]["dy"]["data"], [1 / (1 + np.exp(-v)) / (1 + np.exp(v)) for v in xg], rtol=1e-12, atol=1e-300)
assert np.allclose(by["tanh"]["outputs"]["dy"]["data"], [4 / (np.exp(v) + np.exp(-v)) ** 2 for v in xg], rtol=1e-12, atol=1e-300)
assert np.allclose(by["softplus"]["outputs"]["dy"]["data"], by["sigmoid"]["outputs"]["y"]["data"], rtol=1e-12, atol=1e-300)
assert np.allclose(by["log_sigmoid"]["outputs"]["y"]["data"], [-np.logaddexp(0, -v) for v in xg], rtol=1e-12)
tx = torch.tensor(xg)
assert np.allclose(by["gelu_tanh"]["outputs"]["y"]["data"], F.gelu(tx, approximate="tanh").numpy(), rtol=1e-7, atol=1e-15)
assert np.allclose(by["gelu_exact"]["outputs"]["y"]["data"], F.gelu(tx).numpy(), rtol=1e-7, atol=1e-15)
assert np.allclose(by["softplus"]["outputs"]["y"]["data"], np.logaddexp(xg, 0.0), rtol=1e-14, atol=0)

write_golden("elementwise.json", GEN, cases, notes=__doc__.strip())
