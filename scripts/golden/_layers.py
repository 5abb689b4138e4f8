"""Shared helper for the torch.nn layer goldens (nn_layers.py, nn_recurrent.py, nn_attention.py).

Not a generator itself. `LayerCases.add` builds one case from a float64 torch module:
  - every parameter is overwritten with seeded short decimals (stored under its torch name, e.g.
    "weight", "weight_ih_l0_reverse", "out_proj.weight"), so a test can load exactly these weights;
  - the forward outputs are stored, and for each differentiable output `o` a cotangent `ct_o`;
  - the gradients of L = sum_o sum(o * ct_o) with respect to every float input and every
    parameter are stored as "d<name>" (e.g. "dx", "dweight", "dout_proj.weight").
`params` of the case holds {"layer": ..., "config": <the @tensile/nn init config, camelCase>,
"weights": [torch parameter names], "options": <apply options>, "loss": <L in words>}.
"""
import numpy as np
import torch

from _common import arr_input, arr_int, arr_output, as_f32_tensor


class LayerCases:
    def __init__(self, inputs):
        self.inputs = inputs
        self.cases = []

    def seed_params(self, module, scale):
        dec = {}
        for name, p in module.named_parameters():
            d = self.inputs.normal(list(p.shape), scale=scale)
            with torch.no_grad():
                p.copy_(as_f32_tensor(d))
            dec[name] = d
        return dec

    def add(self, name, layer, config, module, data, forward, options=None, scale=0.5, extra=None,
            constants=()):
        """`data`: input name -> float decimals (np.float64 array) or integer array (np.int64).
        `forward(module, tensors)` -> (differentiable outputs dict, other outputs dict).
        Float inputs named in `constants` are stored but not differentiated."""
        module = module.double()
        weights = self.seed_params(module, scale)
        tensors = {}
        for k, v in data.items():
            if np.issubdtype(np.asarray(v).dtype, np.integer) or np.asarray(v).dtype == bool:
                tensors[k] = torch.tensor(v)
            else:
                tensors[k] = as_f32_tensor(v, requires_grad=k not in constants)
        outs, others = forward(module, tensors)
        cts = {}
        loss = 0.0
        for k, o in outs.items():
            ct_name = "ct" if k == "y" else "ct_" + k
            cts[ct_name] = self.inputs.normal(list(o.shape))
            loss = loss + (o * as_f32_tensor(cts[ct_name])).sum()
        float_inputs = [k for k, t in tensors.items() if t.dtype == torch.float64 and k not in constants]
        params = dict(module.named_parameters())
        wrt = [tensors[k] for k in float_inputs] + list(params.values())
        grads = torch.autograd.grad(loss, wrt, allow_unused=True)
        names = float_inputs + list(params.keys())
        record_inputs = {}
        for k, v in data.items():
            record_inputs[k] = arr_input(v) if tensors[k].dtype == torch.float64 else arr_int(v)
        for k, v in weights.items():
            record_inputs[k] = arr_input(v)
        for k, v in cts.items():
            record_inputs[k] = arr_input(v)
        outputs = {k: arr_output(v) for k, v in outs.items()}
        outputs.update({k: arr_output(v) for k, v in others.items()})
        for n, g in zip(names, grads):
            outputs["d" + n] = arr_output(g if g is not None else torch.zeros_like(params.get(n, tensors.get(n))))
        p = {"layer": layer, "config": config, "weights": list(weights.keys()),
             "loss": " + ".join(f"sum({k} * {'ct' if k == 'y' else 'ct_' + k})" for k in outs)}
        if options:
            p["options"] = options
        if extra:
            p.update(extra)
        self.cases.append({"name": name, "inputs": record_inputs, "params": p, "outputs": outputs})
