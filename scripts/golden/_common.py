"""Shared helpers for the golden-value generators in scripts/golden/.

Not a generator itself. Every generator imports this to get:
  - a seeded input generator whose values are short decimals (rounded to 4 places);
  - the rule that the float64 computation runs on float32(x) of each stored input, i.e. exactly
    the values a float32 test gets from Float32Array.from(data), so the reference is f(x_f32)
    evaluated in float64;
  - one JSON writer (stable key order, one array per line, no NaN/Infinity) so output is
    byte-identical on rerun.
"""
import json
import os

import numpy as np
import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float64)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_DIR = os.path.join(REPO_ROOT, "fixtures", "golden")

CONVENTIONS = {
    "layout": "every array is row-major (C order) flattened into `data`; `shape` [] is a scalar "
              "with one element; a zero-size array has data []",
    "inputs": "float inputs are stored as short decimals; the reference was computed in float64 "
              "on float32(value) of each stored number (what Float32Array.from(data) holds), so "
              "outputs are exact-to-float64 references for float32 inputs",
    "outputs": "float64 results, shortest round-trip decimal, -0 stored as 0; values beyond the float32 range "
               "become +-Infinity under Math.fround",
    "dtype": "each array's `dtype` says how to load it: 'float32' (float inputs), 'int32' "
             "(integer inputs such as labels) or 'float64' (reference outputs)",
    "gradients": "gradient outputs are vector-Jacobian products: d/d(input) of sum(output * ct) "
                 "with the cotangent `ct` given among the inputs",
}


class Inputs:
    """Seeded generator of float32-friendly inputs (numpy PCG64)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def normal(self, shape, scale=1.0):
        """normal(0, scale), rounded to 4 decimals (float64 array of the stored decimals)."""
        x = np.round(self.rng.standard_normal(size=shape) * scale, 4)
        return x + 0.0  # turn -0.0 into 0.0

    def distinct(self, shape, step=0.01):
        """A random permutation of distinct values (k - n/2) * step: no ties (for max pooling)."""
        n = int(np.prod(shape))
        perm = self.rng.permutation(n).astype(np.float64)
        return (np.round((perm - n // 2) * step, 4) + 0.0).reshape(shape)

    def integers(self, low, high, shape):
        return self.rng.integers(low, high, size=shape).astype(np.int64)


def as_f32_tensor(x, requires_grad=False):
    """float64 torch tensor holding float32(x) exactly."""
    a = np.asarray(x, dtype=np.float64).astype(np.float32).astype(np.float64)
    t = torch.tensor(a, dtype=torch.float64)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _to_list(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def arr_input(x):
    """JSON record of a float input (the stored decimals, not the float32-rounded values)."""
    a = _to_list(x).astype(np.float64)
    data = [float(v) + 0.0 for v in a.reshape(-1)]
    return {"shape": list(a.shape), "dtype": "float32", "data": data}


def arr_int(x):
    a = _to_list(x)
    return {"shape": list(a.shape), "dtype": "int32", "data": [int(v) for v in a.reshape(-1)]}


def arr_output(x):
    a = _to_list(x).astype(np.float64)
    data = [float(v) + 0.0 for v in a.reshape(-1)]  # + 0.0: store -0.0 as 0.0
    for v in data:
        if not np.isfinite(v):
            raise ValueError("non-finite output cannot be stored in JSON")
    return {"shape": list(a.shape), "dtype": "float64", "data": data}


def _dump(obj, indent):
    """Stable pretty-printer: dicts indented, any dict with a `data` array on one line."""
    pad = "  " * indent
    if isinstance(obj, dict) and "data" in obj:
        return json.dumps(obj, separators=(", ", ": "), allow_nan=False)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {_dump(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) for v in obj):
        items = [f"{pad}  {_dump(v, indent + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, separators=(", ", ": "), allow_nan=False)


def write_golden(filename, generator, cases, notes=None):
    doc = {
        "generator": generator,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "conventions": CONVENTIONS,
    }
    if notes:
        doc["notes"] = notes
    doc["cases"] = cases
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    path = os.path.join(GOLDEN_DIR, filename)
    text = _dump(doc, 0) + "\n"
    json.loads(text)  # sanity: valid JSON
    with open(path, "w") as f:
        f.write(text)
    size = os.path.getsize(path)
    print(f"wrote fixtures/golden/{filename}: {len(cases)} cases, {size} bytes")
    for c in cases:
        ins = ", ".join(f"{k}{v['shape']}" for k, v in c["inputs"].items())
        outs = ", ".join(f"{k}{v['shape']}" for k, v in c["outputs"].items())
        print(f"  {c['name']}: {ins} -> {outs}")
    assert size < 300_000, f"{filename} is too large ({size} bytes)"
    return path
