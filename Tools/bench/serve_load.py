#!/usr/bin/env python3
"""Load run for `vispipe serve` (standard library only).

Starts the release binary on a pipeline with the tiny DETR fixture model (a scratch copy with a
small preprocessing size), drives it with N concurrent clients (threads + http.client, one
keep-alive connection each) for a fixed time, and prints a Markdown table: requests/s, p50/p99
latency, errors, and the server's RSS before and after (from /proc/PID/status).

    python3 Tools/bench/serve_load.py [--binary .build/release/vispipe] [--clients 32] [--duration 60]
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def png_bytes(width, height):
    """A gradient PNG written by hand (zlib + CRC), so the script needs no imaging package."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes((x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 90))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_pipeline(folder, shortest, longest):
    model = os.path.join(folder, "model")
    os.makedirs(model)
    fixture = os.path.join(ROOT, "Fixtures", "models", "detr", "timm_basic")
    for name in ("config.json", "model.safetensors"):
        shutil.copy(os.path.join(fixture, name), model)
    with open(os.path.join(model, "preprocessor_config.json"), "w") as out:
        json.dump({"size": {"shortest_edge": shortest, "longest_edge": longest}}, out)
    pipeline = {
        "version": 1,
        "inputs": {"file": "text", "relative_path": "text"},
        "stages": [
            {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
            {"name": "detector", "type": "detr", "params": {"model": "model", "threshold": 0.0, "top_k": 5},
             "inputs": {"image": "$decode.image"}},
        ],
        "outputs": {"detections": "$detector.detections"},
    }
    path = os.path.join(folder, "pipeline.json")
    with open(path, "w") as out:
        json.dump(pipeline, out)
    return path


def wait_ready(port, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"vispipe serve exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/ready")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("vispipe serve did not become ready")


def client(port, body, stop, latencies, errors, lock):
    connection = None
    while not stop.is_set():
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", "/v1/run", body=body, headers={"Content-Type": "image/png"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    errors[response.status] = errors.get(response.status, 0) + 1
        except (OSError, http.client.HTTPException) as error:
            with lock:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            connection = None


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "vispipe"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--queue", type=int, default=64, help="server --queue (above --clients: no 503 expected)")
    parser.add_argument("--concurrency", type=int, default=None, help="server --concurrency (default: its own)")
    parser.add_argument("--image", default="640x480", help="WIDTHxHEIGHT of the posted PNG")
    parser.add_argument("--size", default="64x96", help="model input shortest_edge x longest_edge")
    args = parser.parse_args()

    width, height = (int(v) for v in args.image.split("x"))
    shortest, longest = (int(v) for v in args.size.split("x"))
    body = png_bytes(width, height)
    folder = tempfile.mkdtemp(prefix="vispipe-serve-load-")
    port = free_port()
    command = [args.binary, "serve", scratch_pipeline(folder, shortest, longest), "--port", str(port), "--queue", str(args.queue)]
    if args.concurrency:
        command += ["--concurrency", str(args.concurrency)]
    log = open(os.path.join(folder, "serve.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        wait_ready(port, process)
        rss_before = rss_kib(process.pid)
        latencies, errors, lock, stop = [], {}, threading.Lock(), threading.Event()
        threads = [threading.Thread(target=client, args=(port, body, stop, latencies, errors, lock)) for _ in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        rss_after = rss_kib(process.pid)
    finally:
        process.terminate()
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            status = "killed"
        log.close()
        shutil.rmtree(folder, ignore_errors=True)

    error_count = sum(errors.values())
    print(f"| clients | duration | image | requests/s | p50 | p99 | errors | RSS before | RSS after | exit |")
    print(f"|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.clients} | {elapsed:.1f} s | {width}x{height} PNG ({len(body) // 1024} KiB) | {len(latencies) / elapsed:.1f} "
          f"| {percentile(latencies, 0.5) * 1000:.1f} ms | {percentile(latencies, 0.99) * 1000:.1f} ms "
          f"| {error_count}{' ' + json.dumps(errors) if errors else ''} | {rss_before / 1024:.1f} MiB | {rss_after / 1024:.1f} MiB | {status} |")
    return 1 if error_count else 0


if __name__ == "__main__":
    sys.exit(main())
