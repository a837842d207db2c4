"""Batch-runner benchmark (`make bench`): peak RSS and runner overhead of `vispipe run`.

Runs a decode -> DETR -> draw pipeline with a tiny fixture detector (Fixtures/models/detr/timm_basic
with a 320-pixel preprocessor setting: a small detector) over
folders of N generated images (nested sub-folders, JPEG and PNG), for each N in --counts, and
reports the process's peak RSS (ru_maxrss from os.wait4) and the runner overhead from run.json
(wall time minus the time during which some stage was running, as a fraction of wall time).
Flat memory means the peak RSS at 2,000 images is about the one at 100.

Needs only Python's standard library and the release binary (`swift build -c release`).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def write_images(folder: Path, count: int, binary: Path) -> None:
    """N distinct images via `vispipe synth`-free means: tiny PPM-like PNGs written by Python's zlib."""
    import struct
    import zlib

    def png(width, height, seed):
        rows = bytearray()
        for y in range(height):
            rows.append(0)
            for x in range(width):
                rows += bytes(((x * 7 + seed * 13) % 256, (y * 5 + seed * 3) % 256, ((x ^ y) + seed) % 256))
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")

    for i in range(count):
        sub = folder / f"part{i % 7}" / f"group{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"img{i:05d}.png").write_bytes(png(96 + i % 5, 72 + i % 3, i))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".build/bench/runner")
    parser.add_argument("--counts", default="100,2000")
    parser.add_argument("--vispipe", type=Path, default=ROOT / ".build/release/vispipe")
    args = parser.parse_args()
    if not args.vispipe.exists():
        print(f"runner bench skipped: {args.vispipe} not found (swift build -c release)")
        return 0

    args.work.mkdir(parents=True, exist_ok=True)
    model = args.work / "model"
    if not model.exists():
        shutil.copytree(ROOT / "Fixtures/models/detr/timm_basic", model)
        (model / "preprocessor_config.json").write_text(json.dumps(
            {"size": {"shortest_edge": 320, "longest_edge": 480}, "do_resize": True, "do_normalize": True,
             "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}))
    pipeline = args.work / "pipeline.json"
    pipeline.write_text(json.dumps({
        "version": 1, "inputs": {"file": "text", "relative_path": "text"},
        "stages": [
            {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
            {"name": "detector", "type": "detr", "params": {"model": str(model), "threshold": 0.0, "top_k": 5},
             "inputs": {"image": "$decode.image"}},
            {"name": "draw", "type": "draw_detections", "inputs": {"image": "$decode.image", "detections": "$detector.detections"}},
        ],
        "outputs": {"detections": "$detector.detections", "annotated": "$draw.image"}}))

    print("| images | wall | images/s | peak RSS | runner overhead |")
    print("|---:|---:|---:|---:|---:|")
    for count in [int(c) for c in args.counts.split(",")]:
        images = args.work / f"images-{count}"
        if not images.exists():
            write_images(images, count, args.vispipe)
        out = args.work / f"out-{count}"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        child = subprocess.Popen([str(args.vispipe), "run", str(pipeline), str(images), "--out", str(out), "--quiet"])
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            print(f"vispipe run failed on {count} images (exit {os.waitstatus_to_exitcode(status)})", file=sys.stderr)
            return 1
        manifest = json.loads((out / "run.json").read_text())
        overhead = manifest["timing"]["runner_overhead_fraction"]
        print(f"| {count} | {wall:.1f} s | {count / wall:.1f} | {usage.ru_maxrss / 1024:.0f} MiB | {overhead * 100:.2f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
