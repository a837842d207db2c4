"""PyTorch anchor for the tensor-layer micro-benchmark (`make bench`).

Times F.linear and F.conv2d (eager, float32, same thread count as vispipe) on the cases in
micro_ops.json and prints one JSON object per case on stdout. Exits 0 with a message on stderr
when torch is not installed, so `make bench` still reports vispipe's own figures.
"""
import json
import os
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch_micro: torch not installed; skipping the PyTorch column", file=sys.stderr)
    sys.exit(0)


def median_seconds(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    threads = int(os.environ.get("VISPIPE_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    cases = json.load(open(os.path.join(os.path.dirname(__file__), "micro_ops.json")))
    gen = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        for case in cases["linear"]:
            x = torch.randn(case["tokens"], case["in"], generator=gen)
            w = torch.randn(case["out"], case["in"], generator=gen)
            b = torch.randn(case["out"], generator=gen)
            t = median_seconds(lambda: F.linear(x, w, b), 20)
            flops = 2.0 * case["tokens"] * case["in"] * case["out"]
            print(json.dumps({"kind": "linear", "name": case["name"], "seconds": t, "gflops": flops / t / 1e9}))
        for case in cases["conv2d"]:
            x = torch.randn(1, case["in"], case["h"], case["w"], generator=gen)
            w = torch.randn(case["out"], case["in"], case["k"], case["k"], generator=gen)
            b = torch.randn(case["out"], generator=gen)
            fn = lambda: F.conv2d(x, w, b, stride=case["stride"], padding=case["pad"])
            out = fn()
            t = median_seconds(fn, 10)
            oh, ow = out.shape[2], out.shape[3]
            flops = 2.0 * case["out"] * oh * ow * case["in"] * case["k"] * case["k"]
            print(json.dumps({"kind": "conv2d", "name": case["name"], "seconds": t, "gflops": flops / t / 1e9}))


if __name__ == "__main__":
    main()
