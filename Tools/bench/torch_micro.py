"""PyTorch anchor for the tensor-layer micro-benchmark (`make bench`).

Times F.linear and F.conv2d (eager, float32, same thread count as vispipe) on the cases in
micro_ops.json, and a ResNet-50 trunk (plain torch.nn, batch norms folded into conv biases, random
weights, eval mode) step by step, and prints one JSON object per case on stdout. Exits 0 with a message on stderr
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


class Bottleneck(torch.nn.Module):
    """torchvision-layout bottleneck with batch norms folded into biased convolutions."""

    def __init__(self, in_channels, width, stride):
        super().__init__()
        self.reduce = torch.nn.Conv2d(in_channels, width, 1)
        self.spatial = torch.nn.Conv2d(width, width, 3, stride=stride, padding=1)
        self.expand = torch.nn.Conv2d(width, 4 * width, 1)
        needs_projection = stride != 1 or in_channels != 4 * width
        self.downsample = torch.nn.Conv2d(in_channels, 4 * width, 1, stride=stride) if needs_projection else None

    def forward(self, x):
        identity = self.downsample(x) if self.downsample is not None else x
        y = F.relu(self.reduce(x))
        y = F.relu(self.spatial(y))
        return F.relu(self.expand(y) + identity)


def resnet50_steps():
    """The same steps as vispipe-bench's ResNet50Backbone: stem + max pool, layer1 ... layer4."""
    stem = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 7, stride=2, padding=3), torch.nn.ReLU(),
                               torch.nn.MaxPool2d(3, stride=2, padding=1))
    steps = [("stem + max pool", stem)]
    in_channels = 64
    for index, (blocks, width) in enumerate(zip([3, 4, 6, 3], [64, 128, 256, 512])):
        layer = []
        for block in range(blocks):
            layer.append(Bottleneck(in_channels, width, 2 if block == 0 and index > 0 else 1))
            in_channels = 4 * width
        steps.append((f"layer{index + 1}", torch.nn.Sequential(*layer).eval()))
    # He-scaled uniform weights as on the vispipe side: PyTorch's default init shrinks activations
    # layer by layer into denormals, which would time the FPU's slow path rather than the convolutions.
    with torch.no_grad():
        for _, module in steps:
            for conv in module.modules():
                if isinstance(conv, torch.nn.Conv2d):
                    bound = (3.0 / (conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1])) ** 0.5
                    conv.weight.uniform_(-bound, bound)
                    conv.bias.uniform_(-0.1, 0.1)
    return [(name, module.eval()) for name, module in steps]


def main():
    threads = int(os.environ.get("VISPIPE_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    cases = json.load(open(os.environ.get("VISPIPE_BENCH_CASES", os.path.join(os.path.dirname(__file__), "micro_ops.json"))))
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
        steps = resnet50_steps()
        for case in cases.get("backbone", []):
            x = torch.randn(1, 3, case["h"], case["w"], generator=gen)
            total = 0.0
            for name, module in steps:
                inp = x
                t = median_seconds(lambda: module(inp), 3)
                x = module(inp)
                total += t
                print(json.dumps({"kind": "backbone", "name": f"{case['name']} / {name}", "seconds": t, "gflops": 0.0}))
            print(json.dumps({"kind": "backbone", "name": f"{case['name']} total", "seconds": total, "gflops": 0.0}))


if __name__ == "__main__":
    main()
