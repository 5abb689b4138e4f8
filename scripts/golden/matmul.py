#!/usr/bin/env python3
"""Golden values for numpy-style matmul edge shapes: fixtures/golden/matmul.json.

torch.matmul (float64; same semantics as numpy.matmul / jnp.matmul): 1-D operands are vectors
(a 1-D left operand is treated as [1, n] and a 1-D right operand as [n, 1], and that axis is
dropped from the result); leading (batch) axes broadcast. Vectors are stored with 1-D shapes
([n]), a vector@vector result is a scalar with shape [] and one data element.
Outputs: "y" = a @ b, "da" = d/da sum(y * ct), "db" = d/db sum(y * ct) (gradients are summed over
broadcast batch axes, so da/db have the shapes of a/b). Every case has a cotangent `ct` of y's
shape; for an empty y, ct and the gradients are empty or zero. Contracting over a zero-size axis
gives an all-zero y. Every y is also checked against numpy.matmul.

Run: /usr/bin/python3 scripts/golden/matmul.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/matmul.py"
inputs = Inputs(seed=20240605)
cases = []


def add(name, a_shape, b_shape):
    a_dec, b_dec = inputs.normal(a_shape), inputs.normal(b_shape)
    a, b = as_f32_tensor(a_dec, True), as_f32_tensor(b_dec, True)
    y = torch.matmul(a, b)
    ref = np.matmul(a.detach().numpy(), b.detach().numpy())
    assert ref.shape == tuple(y.shape) and np.allclose(ref, y.detach().numpy(), rtol=1e-12, atol=1e-12), name
    ct_dec = inputs.normal(list(y.shape))
    if y.numel() > 0 and y.requires_grad:
        da, db = torch.autograd.grad(y, [a, b], as_f32_tensor(ct_dec), allow_unused=True)
    else:
        da, db = None, None
    # Zero-size operands: autograd may return None; the gradient is then all zeros.
    da = torch.zeros(a_shape) if da is None else da
    db = torch.zeros(b_shape) if db is None else db
    cases.append({
        "name": name,
        "inputs": {"a": arr_input(a_dec), "b": arr_input(b_dec), "ct": arr_input(ct_dec)},
        "params": {},
        "outputs": {"y": arr_output(y), "da": arr_output(da), "db": arr_output(db)},
    })


add("1x1_at_1x1", [1, 1], [1, 1])
add("3x1_at_1x4_outer", [3, 1], [1, 4])
add("2x3_at_3x4", [2, 3], [3, 4])
add("0x3_at_3x4_empty_result", [0, 3], [3, 4])
add("3x0_at_0x4_zero_contraction", [3, 0], [0, 4])
add("vector_at_matrix", [3], [3, 4])
add("matrix_at_vector", [2, 3], [3])
add("vector_at_vector", [5], [5])
add("batched_broadcast_2x1x3x4_at_5x4x2", [2, 1, 3, 4], [5, 4, 2])
add("vector_at_batched_7_at_3x7x2", [7], [3, 7, 2])
add("batched_at_vector_2x3x4_at_4", [2, 3, 4], [4])
add("batched_2x3x4_at_2x4x5", [2, 3, 4], [2, 4, 5])
add("batched_1x3x4_at_2x4x2_broadcast_lhs", [1, 3, 4], [2, 4, 2])

write_golden("matmul.json", GEN, cases, notes=__doc__.strip())
