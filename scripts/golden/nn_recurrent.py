#!/usr/bin/env python3
"""Golden values for the recurrent @tensile/nn layers: fixtures/golden/nn_recurrent.json.

Cells (torch.nn.RNNCell / LSTMCell / GRUCell): one step from x [B, I] and a given state; outputs
`y` = h' (and `c` = c' for the LSTM). Sequence layers (torch.nn.RNN / LSTM / GRU): outputs `y`
(the output sequence), `h_n` (and `c_n`), with cotangents for each, so the gradients (of
L = sum(y*ct) + sum(h_n*ct_h_n) [+ sum(c_n*ct_c_n)]) cover the final states too. Parameters use
torch's names (weight_ih_l0, weight_hh_l1_reverse, ...); gate order is torch's (LSTM i,f,g,o;
GRU r,z,n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).

Cases with `lengths` run torch on a packed sequence (pack_padded_sequence with
enforce_sorted=False, then pad_packed_sequence to the full length): outputs past a sequence's
length are zero and its final state is the state at its last valid step (for the reverse
direction: after its first step). Inputs: x (layout per batch_first), optional h0 (and c0)
[num_layers * directions, B, H], optional int `lengths` [B].

Run: /usr/bin/python3 scripts/golden/nn_recurrent.py   (needs python3-numpy, python3-torch)
"""
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__
from _common import Inputs, write_golden
from _layers import LayerCases

GEN = "scripts/golden/nn_recurrent.py"
inputs = Inputs(seed=20240711)
lc = LayerCases(inputs)
T, B, I, H = 5, 3, 4, 5


def cell_case(name, layer, cls, lstm=False, **kw):
    config = {"inputSize": I, "hiddenSize": H, **kw}
    torch_kw = {"nonlinearity": kw["nonlinearity"]} if "nonlinearity" in kw else {}
    data = {"x": inputs.normal([B, I]), "h": inputs.normal([B, H], scale=0.5)}
    if lstm:
        data["c"] = inputs.normal([B, H], scale=0.5)

    def fwd(m, t):
        if lstm:
            h, c = m(t["x"], (t["h"], t["c"]))
            return {"y": h, "c_out": c}, {}
        return {"y": m(t["x"], t["h"])}, {}

    lc.add(name, layer, config, cls(I, H, **torch_kw), data, fwd)


cell_case("rnn_cell_tanh", "rnnCell", nn.RNNCell)
cell_case("rnn_cell_relu", "rnnCell", nn.RNNCell, nonlinearity="relu")
cell_case("lstm_cell", "lstmCell", nn.LSTMCell, lstm=True)
cell_case("gru_cell", "gruCell", nn.GRUCell)


def seq_case(name, layer, cls, lstm=False, num_layers=1, bidirectional=False, batch_first=False,
             initial=False, lengths=None, bias=True, nonlinearity=None):
    config = {"inputSize": I, "hiddenSize": H, "numLayers": num_layers, "bidirectional": bidirectional,
              "batchFirst": batch_first}
    torch_kw = {}
    if not bias:
        config["bias"] = False
        torch_kw["bias"] = False
    if nonlinearity:
        config["nonlinearity"] = nonlinearity
        torch_kw["nonlinearity"] = nonlinearity
    module = cls(I, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, **torch_kw)
    d = 2 if bidirectional else 1
    data = {"x": inputs.normal([B, T, I] if batch_first else [T, B, I])}
    if initial:
        data["h0"] = inputs.normal([num_layers * d, B, H], scale=0.5)
        if lstm:
            data["c0"] = inputs.normal([num_layers * d, B, H], scale=0.5)
    if lengths is not None:
        data["lengths"] = torch.tensor(lengths).numpy()

    def fwd(m, t):
        x = t["x"]
        state = None
        if initial:
            state = (t["h0"], t["c0"]) if lstm else t["h0"]
        if lengths is not None:
            packed = pack_padded_sequence(x, t["lengths"], batch_first=batch_first, enforce_sorted=False)
            out, final = m(packed, state)
            out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
        else:
            out, final = m(x, state)
        if lstm:
            return {"y": out, "h_n": final[0], "c_n": final[1]}, {}
        return {"y": out, "h_n": final}, {}

    options = {}
    if lengths is not None:
        options["lengths"] = "lengths"
    if initial:
        options["initialState"] = ["h0", "c0"] if lstm else "h0"
    lc.add(name, layer, config, module, data, fwd, options=options or None)


seq_case("rnn_tanh_2layer", "rnn", nn.RNN, num_layers=2)
seq_case("rnn_relu_bidirectional_h0", "rnn", nn.RNN, bidirectional=True, initial=True, nonlinearity="relu")
seq_case("lstm_1layer", "lstm", nn.LSTM, lstm=True)
seq_case("lstm_2layer_bidirectional_batch_first_h0", "lstm", nn.LSTM, lstm=True, num_layers=2,
         bidirectional=True, batch_first=True, initial=True)
seq_case("lstm_bidirectional_lengths", "lstm", nn.LSTM, lstm=True, bidirectional=True, lengths=[5, 2, 3])
seq_case("lstm_2layer_lengths_batch_first_nobias", "lstm", nn.LSTM, lstm=True, num_layers=2, batch_first=True,
         lengths=[3, 5, 1], bias=False, initial=True)
seq_case("gru_2layer_bidirectional", "gru", nn.GRU, num_layers=2, bidirectional=True)
seq_case("gru_lengths_batch_first_h0", "gru", nn.GRU, batch_first=True, lengths=[4, 5, 2], initial=True)
seq_case("gru_bidirectional_lengths", "gru", nn.GRU, bidirectional=True, lengths=[2, 5, 4])

write_golden("nn_recurrent.json", GEN, lc.cases, notes=__doc__.strip())
