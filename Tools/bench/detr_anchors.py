"""Child processes of Tools/bench/detr_bench.py: one role per process, so each side's peak RSS is its own.

    detr_anchors.py prepare --work DIR               build/reuse the reference model and the fixed input
    detr_anchors.py torch   --work DIR --threads N --repeats R   time PyTorch eager
    detr_anchors.py export  --work DIR               export model.onnx (cached in DIR)
    detr_anchors.py ort     --work DIR --threads N --repeats R   time ONNX Runtime (CPU EP)

Each role prints exactly one JSON object on stdout (its last line). A role whose packages are missing
prints {"skipped": "<why>"} and exits 0, so the orchestrator reports it instead of crashing.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import detr_reference as ref  # noqa: E402

ref.quiet_offline_environment()

ONNX_OPSET = 17


def emit(obj):
    print(json.dumps(obj), flush=True)


def skipped(what, error):
    emit({"skipped": f"{what} not installed ({error.__class__.__name__}: {error})"})
    sys.exit(0)


def timed_median(run_once, repeats):
    """Median wall time of `repeats` calls after one warm-up call; also returns the individual times."""
    run_once()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_once()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def load_inputs(work):
    from safetensors.numpy import load_file

    tensors = load_file(str(Path(work) / "inputs.safetensors"))
    return tensors["pixel_values"], tensors["pixel_mask"]


def role_prepare(args):
    try:
        import numpy  # noqa: F401
        import safetensors  # noqa: F401
    except ImportError as error:
        skipped("numpy/safetensors", error)
    if not ref.recipe_matches(args.work):
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
            import timm  # noqa: F401
        except ImportError as error:
            skipped("torch/transformers/timm (needed to build the reference model)", error)
    built = ref.ensure_reference_model(args.work, log=lambda m: print(m, file=sys.stderr))
    inputs = ref.ensure_fixed_inputs(args.work)
    emit({"model": str(args.work), "inputs": str(inputs), "built": built})


class StageClock:
    """Per-stage wall times of one DETR forward, from forward pre/post hooks on its main submodules."""

    def __init__(self, model):
        self.current = {}
        self.runs = []
        stages = {"backbone": model.model.backbone, "encoder": model.model.encoder, "decoder": model.model.decoder}
        for name, module in stages.items():
            module.register_forward_pre_hook(self._starter(name))
            module.register_forward_hook(self._stopper(name))

    def _starter(self, name):
        def hook(module, inputs):
            self.current[name] = -time.perf_counter()
        return hook

    def _stopper(self, name):
        def hook(module, inputs, output):
            self.current[name] += time.perf_counter()
        return hook

    def finish_run(self, total):
        stages = dict(self.current)
        stages["other"] = total - sum(stages.values())  # input projection, position embedding, heads
        self.runs.append(stages)
        self.current = {}

    def medians(self):
        return {name: statistics.median(run[name] for run in self.runs) for name in self.runs[0]}


def role_torch(args):
    try:
        import torch
        from safetensors.numpy import save_file
    except ImportError as error:
        skipped("torch", error)
    torch.set_num_threads(args.threads)
    model = ref.load_reference_model(args.work)
    pixel_values, pixel_mask = load_inputs(args.work)
    pixel_values = torch.from_numpy(pixel_values)
    pixel_mask = torch.from_numpy(pixel_mask).to(torch.long)  # transformers' processor gives int64 masks
    clock = StageClock(model)
    outputs = {}

    def forward():
        start = time.perf_counter()
        result = model(pixel_values=pixel_values, pixel_mask=pixel_mask)
        clock.finish_run(time.perf_counter() - start)
        outputs["logits"], outputs["pred_boxes"] = result.logits, result.pred_boxes

    with torch.inference_mode():
        median, times = timed_median(forward, args.repeats)
    clock.runs = clock.runs[1:]  # drop the warm-up
    path = Path(args.work) / "torch_outputs.safetensors"
    save_file({k: v.contiguous().numpy() for k, v in outputs.items()}, str(path))
    emit({"median_s": median, "times_s": times, "profile": clock.medians(), "outputs": str(path),
          "threads": torch.get_num_threads(), "version": torch.__version__,
          "self_peak_rss_mb": ref.peak_rss_mb_of_this_process()})


def role_export(args):
    """Legacy TorchScript exporter (dynamo=False): works with torch 2.15 + transformers 5.23 without
    onnxscript. Traced at the fixed 800x1066 input, so the graph has static shapes."""
    path = Path(args.work) / "model.onnx"
    if path.exists():  # removed whenever the model is rebuilt (detr_reference.DERIVED_FILES)
        emit({"onnx": str(path), "cached": True})
        return
    try:
        import torch
    except ImportError as error:
        skipped("torch", error)
    import warnings

    model = ref.load_reference_model(args.work)
    pixel_values, pixel_mask = load_inputs(args.work)

    class LogitsAndBoxes(torch.nn.Module):
        """Plain-tuple outputs with stable names for the exporter."""

        def __init__(self, detr):
            super().__init__()
            self.detr = detr

        def forward(self, pixel_values, pixel_mask):
            result = self.detr(pixel_values=pixel_values, pixel_mask=pixel_mask)
            return result.logits, result.pred_boxes

    start = time.perf_counter()
    temporary = path.with_suffix(".onnx.tmp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about the all-ones mask being a constant
        torch.onnx.export(LogitsAndBoxes(model), (torch.from_numpy(pixel_values),
                          torch.from_numpy(pixel_mask).to(torch.long)), str(temporary),
                          dynamo=False, opset_version=ONNX_OPSET,
                          input_names=["pixel_values", "pixel_mask"], output_names=["logits", "pred_boxes"])
    temporary.replace(path)
    emit({"onnx": str(path), "cached": False, "export_s": time.perf_counter() - start})


def role_ort(args):
    try:
        import numpy as np
        import onnxruntime as ort
        from safetensors.numpy import save_file
    except ImportError as error:
        skipped("onnxruntime", error)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(Path(args.work) / "model.onnx"), options, providers=["CPUExecutionProvider"])
    pixel_values, pixel_mask = load_inputs(args.work)
    feeds = {"pixel_values": pixel_values, "pixel_mask": pixel_mask.astype(np.int64)}
    outputs = {}

    def forward():
        outputs["logits"], outputs["pred_boxes"] = session.run(["logits", "pred_boxes"], feeds)

    median, times = timed_median(forward, args.repeats)
    path = Path(args.work) / "ort_outputs.safetensors"
    save_file(outputs, str(path))
    emit({"median_s": median, "times_s": times, "outputs": str(path), "version": ort.__version__,
          "self_peak_rss_mb": ref.peak_rss_mb_of_this_process()})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["prepare", "torch", "export", "ort"])
    parser.add_argument("--work", default=ref.DEFAULT_WORK_DIR)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    {"prepare": role_prepare, "torch": role_torch, "export": role_export, "ort": role_ort}[args.role](args)


if __name__ == "__main__":
    main()
