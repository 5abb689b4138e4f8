#!/usr/bin/env python3
"""Golden values for the @tensile/nn losses: fixtures/golden/nn_losses.json.

Each case evaluates one torch.nn.functional loss in float64 and stores `loss` and the gradients
of sum(loss * ct) with respect to every float input (`d<input>`); `ct` is a scalar for the
'mean'/'sum'/'batchmean' reductions and has the loss's shape for 'none'. `params.fn` names the
@tensile/nn function and `params.options` its options; `params.args` lists the positional
inputs in order. Classes are on the LAST axis in @tensile/nn, so logits are [N, C] here (the same
layout torch uses for 2-D inputs).

  softmaxCrossEntropy(logits, labels)          = F.cross_entropy(logits, labels, label_smoothing, ignore_index)
  softmaxCrossEntropyWithProbs(logits, probs)  = F.cross_entropy(logits, probs, label_smoothing)
  nll(logp, labels)                            = F.nll_loss
  binaryCrossEntropyWithLogits(x, t)           = F.binary_cross_entropy_with_logits(x, t, pos_weight)
  mse / mae / huber(pred, target)              = F.mse_loss / F.l1_loss / F.huber_loss(delta)
  klDivergence(input, target)                  = F.kl_div(input, target, reduction, log_target)
  cosineSimilarity(x1, x2)                     = F.cosine_similarity(x1, x2, dim, eps): each norm is
                                                 clamped to eps separately (torch 1.13's formula)

Run: /usr/bin/python3 scripts/golden/nn_losses.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, arr_input, arr_int, arr_output, as_f32_tensor, write_golden

GEN = "scripts/golden/nn_losses.py"
inputs = Inputs(seed=20240713)
cases = []
N, C = 6, 5


def add(name, fn, args, options, torch_fn):
    """args: list of (name, decimals or int array, differentiable?)."""
    tensors = []
    record = {}
    for arg_name, value, diff in args:
        if np.issubdtype(np.asarray(value).dtype, np.integer):
            tensors.append(torch.tensor(value))
            record[arg_name] = arr_int(value)
        else:
            tensors.append(as_f32_tensor(value, requires_grad=diff))
            record[arg_name] = arr_input(value)
    loss = torch_fn(*tensors)
    ct = inputs.normal(list(loss.shape))
    record["ct"] = arr_input(ct)
    diff = [(n, t) for (n, _, d), t in zip(args, tensors) if d]
    grads = torch.autograd.grad((loss * as_f32_tensor(ct)).sum(), [t for _, t in diff])
    outputs = {"loss": arr_output(loss)}
    for (n, _), g in zip(diff, grads):
        outputs["d" + n] = arr_output(g)
    cases.append({"name": name, "inputs": record,
                  "params": {"fn": fn, "args": [a[0] for a in args], "options": options},
                  "outputs": outputs})


logits = lambda: inputs.normal([N, C], scale=2.0)
labels = inputs.integers(0, C, [N])
labels_with_ignored = labels.copy()
labels_with_ignored[[1, 4]] = -100

add("cross_entropy_mean", "softmaxCrossEntropy", [("logits", logits(), True), ("labels", labels, False)], {},
    lambda x, y: F.cross_entropy(x, y))
add("cross_entropy_smoothing_sum", "softmaxCrossEntropy", [("logits", logits(), True), ("labels", labels, False)],
    {"labelSmoothing": 0.1, "reduction": "sum"}, lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1, reduction="sum"))
add("cross_entropy_ignore_smoothing", "softmaxCrossEntropy",
    [("logits", logits(), True), ("labels", labels_with_ignored, False)],
    {"ignoreIndex": -100, "labelSmoothing": 0.2},
    lambda x, y: F.cross_entropy(x, y, ignore_index=-100, label_smoothing=0.2))
add("cross_entropy_none", "softmaxCrossEntropy", [("logits", logits(), True), ("labels", labels, False)],
    {"reduction": "none"}, lambda x, y: F.cross_entropy(x, y, reduction="none"))
probs = np.round(np.random.default_rng(7).dirichlet(np.ones(C), size=N), 4)
add("cross_entropy_probs_smoothing", "softmaxCrossEntropyWithProbs",
    [("logits", logits(), True), ("targets", probs, True)], {"labelSmoothing": 0.15},
    lambda x, t: F.cross_entropy(x, t, label_smoothing=0.15))
add("nll_mean", "nll", [("logProbs", inputs.normal([N, C]), True), ("labels", labels, False)], {},
    lambda x, y: F.nll_loss(x, y))
add("nll_ignore_none", "nll", [("logProbs", inputs.normal([N, C]), True), ("labels", labels_with_ignored, False)],
    {"ignoreIndex": -100, "reduction": "none"}, lambda x, y: F.nll_loss(x, y, ignore_index=-100, reduction="none"))

bce_logits = np.concatenate([inputs.normal([10], scale=3.0), [30.0, -30.0]]).reshape(3, 4)
bce_targets = np.round(np.random.default_rng(8).uniform(size=[3, 4]), 4)
add("bce_with_logits", "binaryCrossEntropyWithLogits", [("logits", bce_logits, True), ("targets", bce_targets, True)],
    {}, lambda x, t: F.binary_cross_entropy_with_logits(x, t))
pos_weight = np.array([0.5, 2.0, 3.0, 1.0])
add("bce_with_logits_pos_weight_none", "binaryCrossEntropyWithLogits",
    [("logits", bce_logits, True), ("targets", bce_targets, True)],
    {"posWeight": pos_weight.tolist(), "reduction": "none"},
    lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.tensor(pos_weight), reduction="none"))

pred, target = inputs.normal([4, 3]), inputs.normal([4, 3])
add("mse_mean", "mse", [("prediction", pred, True), ("target", target, True)], {}, F.mse_loss)
add("mae_sum", "mae", [("prediction", pred, True), ("target", target, True)], {"reduction": "sum"},
    lambda p, t: F.l1_loss(p, t, reduction="sum"))
add("huber_delta1", "huber", [("prediction", pred, True), ("target", target, True)], {},
    lambda p, t: F.huber_loss(p, t))
add("huber_delta_half_none", "huber", [("prediction", pred, True), ("target", target, True)],
    {"delta": 0.5, "reduction": "none"}, lambda p, t: F.huber_loss(p, t, delta=0.5, reduction="none"))

kl_input = torch.log_softmax(as_f32_tensor(inputs.normal([3, 4])), -1).numpy().round(4)
kl_target = np.array([[0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25]])
for reduction in ("mean", "batchmean", "sum"):
    add(f"kl_div_{reduction}", "klDivergence", [("input", kl_input, True), ("target", kl_target, False)],
        {"reduction": reduction}, lambda x, t, r=reduction: F.kl_div(x, t, reduction=r))
kl_log_target = np.log(np.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]])).round(4)
add("kl_div_log_target_none", "klDivergence", [("input", kl_input, True), ("target", kl_log_target, True)],
    {"reduction": "none", "logTarget": True}, lambda x, t: F.kl_div(x, t, reduction="none", log_target=True))

a, b = inputs.normal([4, 6]), inputs.normal([4, 6])
add("cosine_similarity", "cosineSimilarity", [("x1", a, True), ("x2", b, True)], {},
    lambda x, y: F.cosine_similarity(x, y, dim=-1))
add("cosine_similarity_axis0_eps", "cosineSimilarity", [("x1", a, True), ("x2", b, True)], {"axis": 0, "eps": 1e-3},
    lambda x, y: F.cosine_similarity(x, y, dim=0, eps=1e-3))
tiny = np.array([[0.0001, 0.0002, 0.0], [0.3, -0.2, 0.5]])
# x1's first row has a norm below eps: only x2's gradient is stored, because torch 1.13's gradient
# with respect to x1 there is not the derivative of its own forward formula (its norm backward
# reads the norm after the in-place clamp); the test checks d/dx1 = x2 / (eps * |x2|) instead.
add("cosine_similarity_tiny_norm", "cosineSimilarity", [("x1", tiny, False), ("x2", inputs.normal([2, 3]), True)],
    {"eps": 1e-3}, lambda x, y: F.cosine_similarity(x, y, dim=-1, eps=1e-3))

write_golden("nn_losses.json", GEN, cases, notes=__doc__.strip())
