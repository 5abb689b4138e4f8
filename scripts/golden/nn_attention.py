#!/usr/bin/env python3
"""Golden values for multi-head attention: fixtures/golden/nn_attention.json.

torch.nn.MultiheadAttention (float64, dropout 0) with parameters in_proj_weight [3E, E],
in_proj_bias [3E], out_proj.weight [E, E], out_proj.bias [E] (stored under those names).
Inputs: query [L, N, E] and key/value [S, N, E] (or [N, L, E] / [N, S, E] with batch_first);
optional key_padding_mask [N, S] and attn_mask [L, S] or [N*heads, L, S], each boolean
(True = not allowed, stored as int 0/1 under "key_padding_mask_bool"/"attn_mask_bool") or
float (added to the scores). A float key_padding_mask is only combined with no attn_mask: torch
1.13 merges a float key_padding_mask into a float attn_mask with masked_fill (treating it as
boolean), which is not the additive meaning documented. Outputs: `y` (attn_output) and, with need_weights, `weights`
(averaged over heads unless average_attn_weights=False), each with a cotangent; gradients of
L = sum(y*ct) [+ sum(weights*ct_weights)] with respect to query, key, value and every parameter.
Self-attention cases pass one tensor `x` as query, key and value.

Run: /usr/bin/python3 scripts/golden/nn_attention.py   (needs python3-numpy, python3-torch)
"""
import sys

import numpy as np
import torch
import torch.nn as nn

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, write_golden
from _layers import LayerCases

GEN = "scripts/golden/nn_attention.py"
inputs = Inputs(seed=20240712)
lc = LayerCases(inputs)
E, HEADS, L, S, N = 8, 2, 4, 5, 3


def case(name, batch_first=False, self_attention=False, bias=True, key_padding=None, attn=None,
         need_weights=False, average=True):
    config = {"embedDim": E, "numHeads": HEADS, "batchFirst": batch_first}
    if not bias:
        config["bias"] = False
    module = nn.MultiheadAttention(E, HEADS, bias=bias, batch_first=batch_first)
    lq = L if not self_attention else S
    shape = lambda n: [N, n, E] if batch_first else [n, N, E]
    data = {}
    if self_attention:
        data["x"] = inputs.normal(shape(S))
    else:
        data["query"] = inputs.normal(shape(L))
        data["key"] = inputs.normal(shape(S))
        data["value"] = inputs.normal(shape(S))
    options = {"needWeights": need_weights, "averageAttnWeights": average}
    if key_padding == "bool":
        mask = np.zeros([N, S], dtype=np.int64)
        mask[0, 4] = mask[1, 1] = mask[1, 3] = 1
        data["key_padding_mask_bool"] = mask
        options["keyPaddingMask"] = "key_padding_mask_bool"
    elif key_padding == "float":
        data["key_padding_mask"] = inputs.normal([N, S])
        options["keyPaddingMask"] = "key_padding_mask"
    if attn == "bool":
        causal = np.triu(np.ones([lq, S], dtype=np.int64), k=1 + S - lq)
        data["attn_mask_bool"] = causal
        options["attnMask"] = "attn_mask_bool"
    elif attn == "float3d":
        data["attn_mask"] = inputs.normal([N * HEADS, lq, S])
        options["attnMask"] = "attn_mask"

    def fwd(m, t):
        if self_attention:
            q = k = v = t["x"]
        else:
            q, k, v = t["query"], t["key"], t["value"]
        kw = {"need_weights": need_weights, "average_attn_weights": average}
        if "key_padding_mask_bool" in t:
            kw["key_padding_mask"] = t["key_padding_mask_bool"].bool()
        if "key_padding_mask" in t:
            kw["key_padding_mask"] = t["key_padding_mask"]
        if "attn_mask_bool" in t:
            kw["attn_mask"] = t["attn_mask_bool"].bool()
        if "attn_mask" in t:
            kw["attn_mask"] = t["attn_mask"]
        y, w = m(q, k, v, **kw)
        outs = {"y": y}
        if need_weights:
            outs["weights"] = w
        return outs, {}

    constants = ("key_padding_mask", "attn_mask")
    lc.add(name, "multiHeadAttention", config, module, data, fwd, options=options, constants=constants)


case("mha_self", self_attention=True)
case("mha_cross_masks_weights", key_padding="bool", attn="bool", need_weights=True)
case("mha_batch_first_float_attn_mask", batch_first=True, key_padding="bool", attn="float3d")
case("mha_float_key_padding_mask", key_padding="float", need_weights=True)
case("mha_self_nobias_head_weights", self_attention=True, bias=False, need_weights=True, average=False)

write_golden("nn_attention.json", GEN, lc.cases, notes=__doc__.strip())
