#!/usr/bin/env python3
"""Golden values for the feed-forward @tensile/nn layers: fixtures/golden/nn_layers.json.

Each case builds a float64 torch.nn layer, overwrites its parameters with seeded short decimals
(stored under the torch parameter names) and stores the forward output `y` and the gradients of
L = sum(y * ct) with respect to the input `x` and every parameter ("dx", "dweight", "dbias").
`params.config` is the @tensile/nn `init` config equivalent to the torch constructor;
`params.options` the `apply` options. Layouts are PyTorch's: NCHW inputs, conv weight
[out, in/groups, kh, kw], transposed conv weight [in, out/groups, kh, kw], linear weight [out, in].

Layers: Linear, Conv1d, Conv2d (stride, padding incl. 'same', dilation, groups), ConvTranspose2d
(output_padding, dilation, groups), MaxPool2d / AvgPool2d (padding, ceil_mode, dilation,
count_include_pad), AdaptiveAvgPool2d(1)+flatten (globalAvgPool), BatchNorm1d/2d in training mode
(outputs also hold the updated running_mean / running_var: momentum 0.1, unbiased variance) and
in eval mode (running statistics given as inputs), LayerNorm, GroupNorm, Embedding with
padding_idx (its row gets no gradient), and activation modules (GELU exact and tanh, LeakyReLU,
ELU, SELU, SiLU, Softplus, Softmax, LogSoftmax, ReLU, Tanh, Sigmoid).

Run: /usr/bin/python3 scripts/golden/nn_layers.py   (needs python3-numpy, python3-torch)
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, write_golden
from _layers import LayerCases

GEN = "scripts/golden/nn_layers.py"
inputs = Inputs(seed=20240710)
lc = LayerCases(inputs)


def plain(module, t):
    return {"y": module(t["x"])}, {}


def distinct(shape):
    return inputs.distinct(shape, step=0.01)


# Linear
lc.add("linear_bias", "linear", {"inFeatures": 5, "outFeatures": 3}, nn.Linear(5, 3),
       {"x": inputs.normal([4, 5])}, plain)
lc.add("linear_nobias_3d", "linear", {"inFeatures": 4, "outFeatures": 6, "bias": False},
       nn.Linear(4, 6, bias=False), {"x": inputs.normal([2, 3, 4])}, plain)

# Convolutions
lc.add("conv1d_s2_p1", "conv1d",
       {"inChannels": 4, "outChannels": 6, "kernelSize": 3, "stride": 2, "padding": 1},
       nn.Conv1d(4, 6, 3, stride=2, padding=1), {"x": inputs.normal([2, 4, 9])}, plain)
lc.add("conv1d_same_dilation2_groups2", "conv1d",
       {"inChannels": 4, "outChannels": 6, "kernelSize": 3, "padding": "SAME", "dilation": 2, "groups": 2},
       nn.Conv1d(4, 6, 3, padding="same", dilation=2, groups=2), {"x": inputs.normal([2, 4, 8])}, plain)
lc.add("conv2d_k3_p1", "conv2d",
       {"inChannels": 3, "outChannels": 4, "kernelSize": 3, "padding": 1},
       nn.Conv2d(3, 4, 3, padding=1), {"x": inputs.normal([2, 3, 5, 5])}, plain)
lc.add("conv2d_rect_stride_dilation", "conv2d",
       {"inChannels": 2, "outChannels": 3, "kernelSize": [3, 2], "stride": [2, 1], "padding": [1, 0],
        "dilation": [1, 2]},
       nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
       {"x": inputs.normal([2, 2, 7, 6])}, plain)
lc.add("conv2d_groups2_valid_nobias", "conv2d",
       {"inChannels": 4, "outChannels": 6, "kernelSize": 3, "padding": "VALID", "groups": 2, "bias": False},
       nn.Conv2d(4, 6, 3, padding="valid", groups=2, bias=False), {"x": inputs.normal([1, 4, 6, 5])}, plain)
lc.add("conv2d_same_even_kernel", "conv2d",
       {"inChannels": 2, "outChannels": 2, "kernelSize": 4, "padding": "SAME"},
       nn.Conv2d(2, 2, 4, padding="same"), {"x": inputs.normal([1, 2, 5, 6])}, plain)
lc.add("conv_transpose2d_s2_p1_op1", "convTranspose2d",
       {"inChannels": 4, "outChannels": 3, "kernelSize": 3, "stride": 2, "padding": 1, "outputPadding": 1},
       nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), {"x": inputs.normal([2, 4, 3, 3])},
       plain)
lc.add("conv_transpose2d_groups_dilation", "convTranspose2d",
       {"inChannels": 4, "outChannels": 6, "kernelSize": [3, 2], "stride": [1, 2], "padding": [2, 0],
        "dilation": [2, 1], "groups": 2},
       nn.ConvTranspose2d(4, 6, (3, 2), stride=(1, 2), padding=(2, 0), dilation=(2, 1), groups=2),
       {"x": inputs.normal([1, 4, 4, 3])}, plain)
lc.add("conv_transpose2d_k4_s2_p1_nobias", "convTranspose2d",
       {"inChannels": 3, "outChannels": 2, "kernelSize": 4, "stride": 2, "padding": 1, "bias": False},
       nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1, bias=False), {"x": inputs.normal([2, 3, 3, 3])}, plain)

# Pooling (distinct values: no ties in max pooling)
lc.add("max_pool2d_k2", "maxPool2d", {"kernelSize": 2}, nn.MaxPool2d(2), {"x": distinct([2, 2, 4, 6])}, plain)
lc.add("max_pool2d_k3_s2_p1", "maxPool2d", {"kernelSize": 3, "stride": 2, "padding": 1},
       nn.MaxPool2d(3, stride=2, padding=1), {"x": distinct([1, 2, 7, 6])}, plain)
lc.add("max_pool2d_ceil_dilation", "maxPool2d", {"kernelSize": 2, "stride": 2, "dilation": 2, "ceilMode": True},
       nn.MaxPool2d(2, stride=2, dilation=2, ceil_mode=True), {"x": distinct([1, 2, 8, 7])}, plain)
lc.add("max_pool2d_ceil_pad", "maxPool2d", {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True},
       nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), {"x": distinct([1, 1, 6, 6])}, plain)
lc.add("avg_pool2d_k2", "avgPool2d", {"kernelSize": 2}, nn.AvgPool2d(2), {"x": inputs.normal([2, 2, 4, 6])},
       plain)
lc.add("avg_pool2d_k3_s2_p1_include_pad", "avgPool2d", {"kernelSize": 3, "stride": 2, "padding": 1},
       nn.AvgPool2d(3, stride=2, padding=1), {"x": inputs.normal([1, 2, 7, 6])}, plain)
lc.add("avg_pool2d_k3_s2_p1_exclude_pad", "avgPool2d",
       {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False},
       nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), {"x": inputs.normal([1, 2, 7, 6])}, plain)
lc.add("avg_pool2d_ceil_pad", "avgPool2d", {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True},
       nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), {"x": inputs.normal([1, 2, 6, 6])}, plain)
lc.add("avg_pool2d_ceil_exclude_pad", "avgPool2d",
       {"kernelSize": [2, 3], "stride": [2, 2], "padding": [1, 1], "ceilMode": True, "countIncludePad": False},
       nn.AvgPool2d((2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False),
       {"x": inputs.normal([1, 2, 5, 6])}, plain)
lc.add("global_avg_pool", "globalAvgPool", {}, nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
       {"x": inputs.normal([2, 3, 4, 5])}, plain)


# Normalisation
def bn_train(module, t):
    y = module(t["x"])
    return {"y": y}, {"running_mean": module.running_mean, "running_var": module.running_var}


lc.add("batch_norm1d_train", "batchNorm", {"numFeatures": 3}, nn.BatchNorm1d(3),
       {"x": inputs.normal([5, 3])}, bn_train, options={"train": True})
lc.add("batch_norm2d_train_momentum", "batchNorm", {"numFeatures": 4, "momentum": 0.3, "eps": 1e-3},
       nn.BatchNorm2d(4, momentum=0.3, eps=1e-3), {"x": inputs.normal([2, 4, 3, 3])}, bn_train,
       options={"train": True})

bn_stats = {"running_mean": inputs.normal([4], scale=0.5), "running_var": abs(inputs.normal([4])) + 0.5}


def bn_eval(module, t):
    with torch.no_grad():
        module.running_mean.copy_(t["running_mean"])
        module.running_var.copy_(t["running_var"])
    module.eval()
    return {"y": module(t["x"])}, {}


lc.add("batch_norm2d_eval", "batchNorm", {"numFeatures": 4}, nn.BatchNorm2d(4),
       {"x": inputs.normal([2, 4, 3, 2]), **bn_stats}, bn_eval, options={"train": False},
       constants=("running_mean", "running_var"))
lc.add("batch_norm2d_train_no_affine", "batchNorm", {"numFeatures": 2, "affine": False},
       nn.BatchNorm2d(2, affine=False), {"x": inputs.normal([3, 2, 2, 2])}, bn_train, options={"train": True})
lc.add("layer_norm_last", "layerNorm", {"normalizedShape": 6}, nn.LayerNorm(6),
       {"x": inputs.normal([3, 4, 6])}, plain)
lc.add("layer_norm_2d_shape", "layerNorm", {"normalizedShape": [3, 4], "eps": 1e-3},
       nn.LayerNorm([3, 4], eps=1e-3), {"x": inputs.normal([2, 3, 4])}, plain)
lc.add("layer_norm_no_affine", "layerNorm", {"normalizedShape": 5, "elementwiseAffine": False},
       nn.LayerNorm(5, elementwise_affine=False), {"x": inputs.normal([4, 5])}, plain)
lc.add("group_norm_g2", "groupNorm", {"numGroups": 2, "numChannels": 6}, nn.GroupNorm(2, 6),
       {"x": inputs.normal([2, 6, 3, 2])}, plain)
lc.add("group_norm_g3_1d", "groupNorm", {"numGroups": 3, "numChannels": 3, "eps": 1e-3},
       nn.GroupNorm(3, 3, eps=1e-3), {"x": inputs.normal([2, 3, 5])}, plain)

# Embedding (padding_idx row: forward returns it, gradient is zero)
lc.add("embedding_padding_idx", "embedding", {"numEmbeddings": 7, "embeddingDim": 4, "paddingIdx": 0},
       nn.Embedding(7, 4, padding_idx=0),
       {"x": inputs.integers(0, 7, [3, 5])}, plain, scale=1.0)


# Activations as modules
def acts(module, t):
    return {"y": module(t["x"])}, {}


for name, config, mod in [
    ("relu", {}, nn.ReLU()),
    ("gelu", {}, nn.GELU()),
    ("gelu_tanh", {"approximate": True}, nn.GELU(approximate="tanh")),
    ("tanh", {}, nn.Tanh()),
    ("sigmoid", {}, nn.Sigmoid()),
    ("leakyRelu", {"negativeSlope": 0.2}, nn.LeakyReLU(0.2)),
    ("elu", {"alpha": 0.7}, nn.ELU(0.7)),
    ("selu", {}, nn.SELU()),
    ("silu", {}, nn.SiLU()),
    ("softplus", {}, nn.Softplus()),
    ("softmax", {"axis": 1}, nn.Softmax(dim=1)),
    ("logSoftmax", {}, nn.LogSoftmax(dim=-1)),
]:
    layer = name.split("_")[0]
    lc.add(f"activation_{name}", layer, config, mod, {"x": inputs.normal([3, 4], scale=2.0)}, acts)

write_golden("nn_layers.json", GEN, lc.cases, notes=__doc__.strip())
