"""Writes the reference safetensors fixtures for Tests/VisWeightsTests with the reference library.

Run from the repository root with the pinned environment (Fixtures/requirements.txt):
    ../venv/bin/python Fixtures/weights/generate_weights_fixtures.py
Optionally check a file written by vispipe's Swift writer with the reference reader:
    ../venv/bin/python Fixtures/weights/generate_weights_fixtures.py --check path/to/file.safetensors

Outputs (all in Fixtures/weights/, a few KB in total):
- reference_dtypes.safetensors: one tensor per dtype (F32, F16, BF16, I64, U8), a scalar, empty
  tensors and metadata; expected.json lists each tensor's dtype, shape and values (floating-point
  values as the bit patterns of their exact float32 widening, so the Swift test compares bits).
- writer_reference.safetensors: tensors computed by a formula the Swift test recomputes bit for bit;
  the test writes them with SafetensorsWriter and expects the very same bytes.
- sharded/: a two-shard checkpoint with model.safetensors.index.json, as transformers lays it out.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

OUT = Path(__file__).resolve().parent


def float_bits(t: torch.Tensor) -> list[int]:
    """Bit patterns of the float32 widening (exact for F16/BF16)."""
    return t.to(torch.float32).contiguous().view(torch.int32).flatten().numpy().astype(np.uint32).tolist()


def describe(t: torch.Tensor) -> dict:
    dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.uint8: "U8"}[t.dtype]
    if dtype in ("F32", "F16", "BF16"):
        values = float_bits(t)
    else:
        values = t.flatten().tolist()
    return {"dtype": dtype, "shape": list(t.shape), "values": values}


def reference_dtypes() -> None:
    base = torch.from_numpy(np.arange(-6, 6, dtype=np.float32) / np.float32(7))  # needs rounding in F16/BF16
    tensors = {
        "f32.matrix": torch.from_numpy(np.array([[0.0, -1.5, 3.25], [1e-8, 65504.0, -0.0]], dtype=np.float32)),
        "f16.vector": base.to(torch.float16),
        "bf16.matrix": base.reshape(3, 4).to(torch.bfloat16),
        "i64.ids": torch.tensor([-7, 0, 1, 2**40, -(2**62)], dtype=torch.int64),
        "u8.pixels": torch.arange(0, 240, 40, dtype=torch.uint8).reshape(2, 3),
        "f32.scalar": torch.tensor(2.5, dtype=torch.float32),
        "f32.empty": torch.zeros(0, dtype=torch.float32),
        "i64.empty": torch.zeros(2, 0, dtype=torch.int64),
    }
    metadata = {"format": "pt", "note": "ünïcode \"quoted\"\nnewline"}
    save_file(tensors, OUT / "reference_dtypes.safetensors", metadata=metadata)
    expected = {"metadata": metadata, "tensors": {name: describe(t) for name, t in sorted(tensors.items())}}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    # The reference reader must read back what it wrote.
    back = load_file(OUT / "reference_dtypes.safetensors")
    assert all(torch.equal(back[k], v) for k, v in tensors.items())


def writer_reference() -> None:
    # Formula mirrored in WriterCrossCheckTests.swift: float32 division is correctly rounded on both sides.
    f32 = torch.from_numpy(np.arange(12, dtype=np.float32).reshape(3, 4) / np.float32(3))
    rounded = torch.from_numpy((np.arange(8, dtype=np.float32) - np.float32(4)) / np.float32(7))
    tensors = {
        "z.f32": f32,
        "a.f16": rounded.to(torch.float16),
        "m.bf16": rounded.to(torch.bfloat16),
        "ids": torch.arange(5, dtype=torch.int64) - 2,
        "pix": (torch.arange(6, dtype=torch.uint8) * 40).reshape(2, 3),
        "scalar": torch.tensor(1.5, dtype=torch.float32),
        "empty": torch.zeros(0, dtype=torch.float32),
    }
    save_file(tensors, OUT / "writer_reference.safetensors", metadata={"format": "pt"})


def sharded() -> None:
    directory = OUT / "sharded"
    directory.mkdir(exist_ok=True)
    shards = {
        "model-00001-of-00002.safetensors": {
            "encoder.weight": torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float32),
            "encoder.bias": torch.tensor([0.5, -0.5], dtype=torch.float32),
        },
        "model-00002-of-00002.safetensors": {
            "decoder.weight": torch.tensor([[0.25, -8.0], [1.0 / 3.0, 7.0]], dtype=torch.float32).to(torch.bfloat16),
            "decoder.position_ids": torch.arange(3, dtype=torch.int64).reshape(1, 3),
            "bn.num_batches_tracked": torch.tensor(12, dtype=torch.int64),
        },
    }
    weight_map = {}
    total = 0
    for shard, tensors in shards.items():
        save_file(tensors, directory / shard, metadata={"format": "pt"})
        for name, t in tensors.items():
            weight_map[name] = shard
            total += t.numel() * t.element_size()
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    (directory / "model.safetensors.index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def check(path: str) -> None:
    """Prints what the reference reader sees in `path` (for files written by the Swift writer)."""
    with safe_open(path, "pt") as f:
        print("metadata:", f.metadata())
        for name in f.keys():
            t = f.get_tensor(name)
            print(name, t.dtype, list(t.shape), t.flatten().tolist()[:8])
    header_length = struct.unpack("<Q", Path(path).read_bytes()[:8])[0]
    print("header length", header_length, "(multiple of 8)" if header_length % 8 == 0 else "(NOT a multiple of 8)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        reference_dtypes()
        writer_reference()
        sharded()
