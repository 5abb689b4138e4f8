#!/usr/bin/env python3
"""Golden values for softmax, log_softmax and cross-entropy: fixtures/golden/softmax_ce.json.

PyTorch (float64), softmax over the last axis of logits [B, K]:
  outputs "log_softmax", "softmax"             forward values, shape [B, K]
          "dlog_softmax", "dsoftmax"           VJPs with cotangent `ct` [B, K]:
                                               d/dlogits sum(log_softmax * ct), sum(softmax * ct)
          "loss"                               F.cross_entropy(logits, labels, reduction="mean",
                                               label_smoothing=eps), shape [] (scalar)
          "dloss"                              d loss / d logits, shape [B, K]
Labels are int32 class indices [B].
With label smoothing eps (PyTorch's definition, same as optax.smooth_labels + softmax CE):
  loss_b = (1 - eps) * (-log p[b, y_b]) + eps * mean_k(-log p[b, k]); loss = mean_b loss_b.
The "extreme" cases use logits of +-1000 and a large spread (|logit| up to 1e3, and rows whose
entries are all equal and very negative) to test that implementations subtract the row max;
every stored value is finite.

Run: /usr/bin/python3 scripts/golden/softmax_ce.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_int, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/softmax_ce.py"
inputs = Inputs(seed=20240603)
cases = []


def add(name, logits_dec, labels, eps=0.0):
    logits_dec = np.asarray(logits_dec, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    ct_dec = inputs.normal(list(logits_dec.shape))
    ct = as_f32_tensor(ct_dec)

    z = as_f32_tensor(logits_dec, True)
    ls = F.log_softmax(z, dim=-1)
    (dls,) = torch.autograd.grad(ls, [z], ct)
    z = as_f32_tensor(logits_dec, True)
    sm = F.softmax(z, dim=-1)
    (dsm,) = torch.autograd.grad(sm, [z], ct)
    z = as_f32_tensor(logits_dec, True)
    loss = F.cross_entropy(z, torch.tensor(labels), reduction="mean", label_smoothing=eps)
    (dloss,) = torch.autograd.grad(loss, [z])

    # Independent check of the loss formula (and of PyTorch's label-smoothing definition).
    lsn = ls.detach().numpy()
    b = np.arange(len(labels))
    ref = np.mean((1 - eps) * -lsn[b, labels] + eps * -lsn.mean(axis=1))
    assert abs(ref - loss.item()) <= 1e-12 * max(1.0, abs(ref)), name

    cases.append({
        "name": name,
        "inputs": {"logits": arr_input(logits_dec), "labels": arr_int(labels), "ct": arr_input(ct_dec)},
        "params": {"axis": -1, "reduction": "mean", "label_smoothing": eps},
        "outputs": {
            "log_softmax": arr_output(ls), "softmax": arr_output(sm),
            "dlog_softmax": arr_output(dls), "dsoftmax": arr_output(dsm),
            "loss": arr_output(loss), "dloss": arr_output(dloss),
        },
    })


normal_logits = inputs.normal([4, 5], scale=2.0)
normal_labels = inputs.integers(0, 5, [4])
extreme_logits = [
    [1000.0, -1000.0, 0.0, 0.0, 0.0],
    [1000.0, 1000.0, -1000.0, 0.0, 999.0],
    [-1000.0, -1000.0, -1000.0, -1000.0, -1000.0],
    [0.0, 1000.0, -1000.0, 500.0, -500.0],
    [-1000.0, -999.0, -998.0, -1000.0, -1000.0],
    [88.0, 89.0, 90.0, -88.0, -104.0],
]
extreme_labels = [1, 2, 3, 2, 2, 4]  # several labels point at tiny probabilities: large finite loss
wide_logits = inputs.normal([3, 100], scale=3.0)
wide_labels = inputs.integers(0, 100, [3])
spread_logits = inputs.normal([4, 7], scale=50.0)
spread_labels = inputs.integers(0, 7, [4])

add("normal_4x5", normal_logits, normal_labels)
add("extreme_pm1000", extreme_logits, extreme_labels)
add("large_spread_scale50", spread_logits, spread_labels)
add("wide_3x100", wide_logits, wide_labels)
add("single_row_single_class", [[3.5]], [0])
add("normal_4x5_label_smoothing_0.1", normal_logits, normal_labels, eps=0.1)
add("extreme_pm1000_label_smoothing_0.1", extreme_logits, extreme_labels, eps=0.1)
add("wide_3x100_label_smoothing_0.1", wide_logits, wide_labels, eps=0.1)

write_golden("softmax_ce.json", GEN, cases, notes=__doc__.strip())
