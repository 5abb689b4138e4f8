#!/usr/bin/env python3
"""Safetensors fixtures for @tensile/io: fixtures/safetensors/*.safetensors + expected.json.

The files are written by a by-hand implementation of the published safetensors format (struct +
json; Debian ships no `safetensors` package), laid out byte for byte as the reference Rust writer
(huggingface/safetensors, `serialize`) lays them out:
  - 8 bytes: N, the header length, a little-endian u64;
  - N bytes: compact UTF-8 JSON (separators ',' and ':', non-ASCII written raw) holding
    `__metadata__` first (a str -> str map, only when metadata is given), then one entry
    {"dtype", "shape", "data_offsets"} per tensor, in the order their bytes are laid out;
  - the JSON is padded with spaces (0x20) to a multiple of 8 bytes, and N counts the padding;
  - the data section: each tensor little-endian, C order, contiguous, no gaps; data_offsets are
    [begin, end) relative to the start of the data section;
  - tensors are laid out by DESCENDING dtype rank (the reference's `Dtype` enum order, listed in
    DTYPE_RANK below), ties broken by name in ascending UTF-8 byte order;
  - `__metadata__` keys are written sorted (the reference keeps them in a HashMap, so with more
    than one key its order is unspecified; sorted is the deterministic choice @tensile/io makes).
The writer is checked against the byte layouts asserted by the reference crate's own unit tests
(REFERENCE_VECTORS) before any file is written and, when the reference `safetensors` package (>= 0.6)
is importable, every file is also re-serialized with it and must come out byte-identical (done
once with safetensors 0.8.0 from PyPI: all six files matched).

Values: float32 and the integer types through numpy; F16 by numpy's float32 -> float16 cast
(round to nearest even); BF16 by torch's float32 -> bfloat16 cast (round to nearest even).

expected.json lists, per file, the metadata and, per tensor: the stored dtype, the shape, and
`values`: the stored elements decoded to float64 (what a float32 / int32 / uint32 / bool tensor
loaded from the file must hold; F16/BF16/F64 decoded exactly, then shown as the float32 a loader
produces: for these types float32 represents the stored value exactly except F64), with
non-finite values as the strings "inf", "-inf", "nan". `source` (F16/BF16 tensors of
written.safetensors) is the float32 input that was rounded to the stored type: writing `source`
as F16/BF16 must reproduce the file's bytes.

Files:
  written.safetensors   every dtype Tensile can write (F32 incl. a scalar and a zero-size tensor,
                        F16, BF16, I32, U32, U8, BOOL) with names that test the byte-order sort
                        (`layers.10.w` < `layers.9.w`, non-ASCII, U+FF5E vs U+1F600); metadata
                        {"format": "pt"}.
  wide.safetensors      F64, I64, I8, I16, U16: read-only types a loader narrows/widens.
  empty.safetensors     no tensors, no metadata: `{}` padded to 8 bytes.
  i64_overflow.safetensors  one I64 value outside int32 (a loader must refuse it).
  f8.safetensors        one F8_E4M3 tensor (a valid file with a dtype Tensile cannot load).
  checkpoint.safetensors    a Tensile checkpoint (see CHECKPOINT below): pytree paths
                        `params.<path>` / `opt_state.<path>`, __metadata__ keys
                        tensile.checkpoint = "1", tensile.step = JSON of the step,
                        tensile.metadata = compact JSON of the user metadata.

Run: /usr/bin/python3 scripts/golden/safetensors_files.py   (needs python3-numpy, python3-torch)
"""
import json
import math
import os
import struct
import sys
import warnings

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep scripts/golden/ free of __pycache__

GEN = "scripts/golden/safetensors_files.py"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO_ROOT, "fixtures", "safetensors")

# The reference `Dtype` enum, in declaration order: `Ord` on it is the layout rank.
DTYPE_RANK = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
              "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"]
NUMPY_DTYPE = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16,
               "U16": np.uint16, "F16": np.float16, "I32": np.int32, "U32": np.uint32,
               "F32": np.float32, "F64": np.float64, "I64": np.int64}


def tensor_bytes(dtype, shape, values):
    """Little-endian C-order bytes of `values` stored as `dtype`."""
    if dtype == "BF16":
        t = torch.tensor(np.asarray(values, dtype=np.float32).reshape(shape)).to(torch.bfloat16)
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if dtype == "F8_E4M3":
        return bytes(values)  # raw bit patterns
    np_dtype = np.dtype(NUMPY_DTYPE[dtype]).newbyteorder("<")
    # F16 is rounded from the float32 value (what a float32 tensor holds), not from the decimal.
    source = {"F64": np.float64, "F32": np.float64, "F16": np.float32}.get(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float16 overflow to inf is intended
        return np.asarray(values, dtype=source).astype(np_dtype).reshape(shape).tobytes()


def utf8_key(name):
    return name.encode("utf-8")


def serialize(tensors, metadata=None):
    """The published format. `tensors`: {name: (dtype, shape, raw_bytes)}."""
    order = sorted(tensors, key=lambda n: (-DTYPE_RANK.index(tensors[n][0]), utf8_key(n)))
    entries = []
    if metadata is not None:
        meta = {k: metadata[k] for k in sorted(metadata, key=utf8_key)}
        entries.append(("__metadata__", meta))
    offset = 0
    data = b""
    for name in order:
        dtype, shape, raw = tensors[name]
        entries.append((name, {"dtype": dtype, "shape": list(shape),
                               "data_offsets": [offset, offset + len(raw)]}))
        offset += len(raw)
        data += raw
    header = "{" + ",".join(
        json.dumps(k, ensure_ascii=False) + ":" + json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        for k, v in entries) + "}"
    header_bytes = header.encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    return struct.pack("<Q", len(header_bytes)) + header_bytes + data


def f32_bytes(values):
    return struct.pack(f"<{len(values)}f", *values)


# Byte layouts asserted by the reference crate's unit tests (safetensors/src/tensor.rs):
# test_serialization, test_serialization_forced_alignement, test_empty (with and without metadata).
REFERENCE_VECTORS = [
    (serialize({"attn.0": ("F32", [1, 2, 3], f32_bytes([0, 1, 2, 3, 4, 5]))}),
     struct.pack("<Q", 64) + b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
     + f32_bytes([0, 1, 2, 3, 4, 5])),
    (serialize({"attn0": ("F32", [1, 1, 2, 3], f32_bytes([0, 1, 2, 3, 4, 5]))}),
     struct.pack("<Q", 72) + b'{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'
     + b" " * 7 + f32_bytes([0, 1, 2, 3, 4, 5])),
    (serialize({}), struct.pack("<Q", 8) + b"{}" + b" " * 6),
    (serialize({}, {"framework": "pt"}),
     struct.pack("<Q", 40) + b'{"__metadata__":{"framework":"pt"}}' + b" " * 5),
]
for got, want in REFERENCE_VECTORS:
    assert got == want, (got, want)


def decoded(dtype, shape, raw):
    """The stored elements as a loader yields them (float32/int32/uint32/bool values), as float64."""
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        vals = bits.view(np.float32).astype(np.float64)
    else:
        vals = np.frombuffer(raw, dtype=np.dtype(NUMPY_DTYPE[dtype]).newbyteorder("<"))
        if dtype in ("F16", "F64"):
            vals = vals.astype(np.float32)  # float16 -> float32 is exact; float64 -> float32 rounds
        vals = vals.astype(np.float64)
    out = []
    for v in vals.reshape(-1).tolist():
        if isinstance(v, float) and not math.isfinite(v):
            out.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            out.append(v)
    return out


files = {}
expected = {}


def add_file(filename, spec, metadata=None):
    """spec: {name: (dtype, shape, values[, source])}; `source` given for rounded float types."""
    tensors = {}
    record = {}
    for name, (dtype, shape, values) in spec.items():
        raw = tensor_bytes(dtype, shape, values)
        tensors[name] = (dtype, shape, raw)
        entry = {"dtype": dtype, "shape": list(shape)}
        if dtype in ("F16", "BF16"):
            entry["source"] = [float(np.float32(v)) for v in values]
        entry["values"] = decoded(dtype, shape, raw) if dtype != "F8_E4M3" else list(values)
        record[name] = entry
    files[filename] = serialize(tensors, metadata)
    expected[filename] = {"metadata": metadata, "tensors": record}


add_file("written.safetensors", {
    "weight": ("F32", [2, 3], [1.5, -2.25, 0.1, 3e-08, 65504.0, -1e10]),
    "scalar": ("F32", [], [3.25]),
    "empty": ("F32", [0, 3], []),
    # 6e-08 -> subnormal 2^-24; 0.1 rounds; 1e5 overflows to inf; 1 + 2^-11 ties to even 1.0;
    # 1 + 3 * 2^-11 ties to even 1 + 2^-9.
    "half": ("F16", [2, 4], [1.0, -0.5, 65504.0, 6e-08, 0.1, 1e5, 1.00048828125, 1.00146484375]),
    # 1 + 2^-8 ties to even 1.0; 1 + 3 * 2^-8 ties to even 1 + 2^-6; 0.1 rounds.
    "brain": ("BF16", [2, 3], [1.0, -3.140625, 0.1, 1.00390625, 1.01171875, 3.0e38]),
    "ids": ("I32", [5], [0, -1, 2147483647, -2147483648, 42]),
    "hash": ("U32", [3], [0, 4294967295, 123456789]),
    "pixels": ("U8", [2, 2], [0, 1, 128, 255]),
    "mask": ("BOOL", [3], [True, False, True]),
    "layers.10.w": ("F32", [1], [10.0]),
    "layers.9.w": ("F32", [1], [9.0]),
    "Zeta": ("F32", [1], [-1.0]),
    "\u00e9t\u00e9": ("F32", [2], [0.5, 0.25]),
    "sym\uff5e": ("F32", [1], [1.0]),
    "sym\U0001f600": ("F32", [1], [2.0]),
}, metadata={"format": "pt"})

add_file("wide.safetensors", {
    "f64": ("F64", [3], [0.1, 1e-50, -2.5]),
    "i64": ("I64", [2], [-5, 2147483647]),
    "i8": ("I8", [3], [-128, 0, 127]),
    "i16": ("I16", [2], [-32768, 32767]),
    "u16": ("U16", [2], [0, 65535]),
})

add_file("empty.safetensors", {})
add_file("i64_overflow.safetensors", {"big": ("I64", [2], [1, 2 ** 40])})
add_file("f8.safetensors", {"fp8": ("F8_E4M3", [2], [0x38, 0xb8])})

# CHECKPOINT: params and optimizer state of a 2-layer model, step 3, user metadata.
CHECKPOINT_USER_METADATA = {"lr": 0.01, "note": "golden", "sizes": [3, 2, 1]}
checkpoint = {
    "params.layers.0.weight": ("F32", [3, 2], [0.5, -1.0, 0.25, 2.0, -0.125, 1.5]),
    "params.layers.0.bias": ("F32", [2], [0.1, -0.1]),
    "params.layers.1.weight": ("F32", [2, 1], [1.25, -0.75]),
    "params.layers.1.bias": ("F32", [1], [0.0]),
    "opt_state.count": ("I32", [], [3]),
    "opt_state.mu.layers.0.weight": ("F32", [3, 2], [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]),
    "opt_state.mu.layers.0.bias": ("F32", [2], [-0.01, 0.01]),
    "opt_state.mu.layers.1.weight": ("F32", [2, 1], [0.5, 0.25]),
    "opt_state.mu.layers.1.bias": ("F32", [1], [0.125]),
}
add_file("checkpoint.safetensors", checkpoint, metadata={
    "tensile.checkpoint": "1",
    "tensile.step": json.dumps(3),
    "tensile.metadata": json.dumps(CHECKPOINT_USER_METADATA, separators=(",", ":"), ensure_ascii=False),
})
expected["checkpoint.safetensors"]["checkpoint"] = {"step": 3, "metadata": CHECKPOINT_USER_METADATA}

# NARROWING: float32 bit patterns with their F16 bits (numpy's cast) and BF16 bits (torch's cast),
# both round to nearest even: random patterns over the float16 exponent range and beyond
# (subnormals, overflow), exact ties for each format, and special values. Storing a float32 tensor
# of these values as F16/BF16 must give exactly these bits.
rng = np.random.default_rng(20240610)
patterns = [
    0x00000000, 0x80000000, 0x7F800000, 0xFF800000,  # +-0, +-inf (NaN bits differ between casts)
    0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001,  # 65504, just below/at/above the overflow tie
    0x33000000, 0x33000001, 0x33C00000, 0x337FFFFF,  # 2^-25 (tie to 0), just above, 3*2^-25, below
    0x38800000, 0x387FC000, 0x387FE000,  # smallest normal half, largest subnormal, tie between them
    0x3F800000, 0x3F801000, 0x3F803000, 0x3F808000, 0x3F818000, 0x7F7FFFFF, 0x00000001,
]
exponents = rng.integers(97, 147, size=400)  # 2^-30 .. 2^19: below subnormal range to overflow
mantissas = rng.integers(0, 1 << 23, size=400)
signs = rng.integers(0, 2, size=400)
patterns += [int(s) << 31 | int(e) << 23 | int(m) for s, e, m in zip(signs, exponents, mantissas)]
tie_f16 = rng.integers(97, 147, size=100) << 23 | (rng.integers(0, 1 << 10, size=100) << 13) | 0x1000
tie_bf16 = rng.integers(1, 254, size=100) << 23 | (rng.integers(0, 1 << 7, size=100) << 16) | 0x8000
patterns += [int(x) for x in tie_f16] + [int(x) for x in tie_bf16]
bits32 = np.array(patterns, dtype=np.uint32)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    f16_bits = bits32.view(np.float32).astype(np.float16).view(np.uint16)
bf16_bits = torch.from_numpy(bits32.view(np.float32).copy()).to(torch.bfloat16).view(torch.int16) \
    .numpy().view(np.uint16)
expected_narrowing = {"float32_bits": [int(x) for x in bits32], "f16_bits": [int(x) for x in f16_bits],
                      "bf16_bits": [int(x) for x in bf16_bits]}

# Cross-check with the reference implementation when it is importable (Debian 12 has none; e.g.
# `pip install --target /tmp/st safetensors` then PYTHONPATH=/tmp/st): its serializer, fed the
# tensors its own parser reads back from each file, must reproduce the file byte for byte. With
# several metadata keys its HashMap order is random, so such a file is retried until it matches.
try:
    import ctypes
    from safetensors import TensorSpec, deserialize, serialize as reference_serialize
except ImportError:
    reference_serialize = None
    print("reference safetensors (>= 0.6, TensorSpec API) not importable: cross-check skipped")
if reference_serialize is not None:
    TORCH_NAMES = {"BOOL": "bool", "U8": "uint8", "I8": "int8", "I16": "int16", "U16": "uint16",
                   "F16": "float16", "BF16": "bfloat16", "I32": "int32", "U32": "uint32",
                   "F32": "float32", "F64": "float64", "I64": "int64", "F8_E4M3": "float8_e4m3fn"}
    for filename, data in files.items():
        n = struct.unpack("<Q", data[:8])[0]
        header = json.loads(data[8:8 + n])
        buffers, specs = [], {}
        for name, view in deserialize(data):
            buf = ctypes.create_string_buffer(bytes(view["data"]), max(1, len(view["data"])))
            buffers.append(buf)
            specs[name] = TensorSpec(dtype=TORCH_NAMES[header[name]["dtype"]], shape=view["shape"],
                                     data_ptr=ctypes.addressof(buf), data_len=len(view["data"]))
        tries = 1 if len(header.get("__metadata__") or {}) <= 1 else 200
        assert any(bytes(reference_serialize(specs, metadata=header.get("__metadata__"))) == data
                   for _ in range(tries)), f"{filename} differs from the reference serializer"
    print(f"cross-checked {len(files)} files against the reference serializer")

os.makedirs(OUT_DIR, exist_ok=True)
for filename, data in files.items():
    with open(os.path.join(OUT_DIR, filename), "wb") as f:
        f.write(data)
    n = struct.unpack("<Q", data[:8])[0]
    print(f"wrote fixtures/safetensors/{filename}: {len(data)} bytes, header {n} bytes, "
          f"{len(expected[filename]['tensors'])} tensors")

doc = {
    "generator": GEN,
    "torch": torch.__version__,
    "numpy": np.__version__,
    "notes": __doc__.strip(),
    "files": expected,
    "narrowing": expected_narrowing,
}
text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
for key in expected_narrowing:  # one line per bit-pattern list
    text = text.replace(json.dumps(expected_narrowing[key], indent=2).replace("\n", "\n    "),
                        json.dumps(expected_narrowing[key]))
with open(os.path.join(OUT_DIR, "expected.json"), "w", encoding="utf-8") as f:
    f.write(text)
print(f"wrote fixtures/safetensors/expected.json: {len(text.encode('utf-8'))} bytes")
