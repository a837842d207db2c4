"""The reference DETR-R50 shared by the benchmark (Tools/bench) and the parity check (Tools/parity).

One recipe, one cache folder: a full-size DETR with the default timm ResNet-50 backbone, random
weights (nothing is downloaded), written with transformers' `save_pretrained` so that vispipe loads
exactly the hub layout. The folder (default `.build/bench/detr-r50`, never committed) is rebuilt only
when the recipe below changes; files derived from the model (ONNX export, inputs, outputs) are deleted
with it.

torch and transformers are imported inside the functions that need them, so an orchestrator can use
the helpers without them.
"""
import json
import os
from pathlib import Path

DEFAULT_WORK_DIR = ".build/bench/detr-r50"

# Bump `version` whenever the construction below changes: a cached folder with another recipe is rebuilt.
RECIPE = {
    "version": 1,
    "model_seed": 0,
    "batch_norm_seed": 1,
    # The hub checkpoint facebook/detr-resnet-50 has 91 COCO ids (+1 no-object column); DetrConfig()'s
    # default of 2 labels would leave the class head almost empty.
    "num_labels": 91,
}
MARKER = "reference-recipe.json"
# Everything derived from the model; removed whenever the model is rebuilt.
DERIVED_FILES = ["inputs.safetensors", "model.onnx", "torch_outputs.safetensors", "ort_outputs.safetensors"]

INPUT_SEED = 0
INPUT_HEIGHT = 800
INPUT_WIDTH = 1066  # what DetrImageProcessor makes of a 4:3 photo (640x480 -> 1066x800)


def quiet_offline_environment():
    """Offline and quiet transformers/hub; call before importing transformers."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def recipe_matches(work_dir):
    marker = Path(work_dir) / MARKER
    needed = [marker, Path(work_dir) / "config.json", Path(work_dir) / "model.safetensors"]
    if not all(p.exists() for p in needed):
        return False
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return recorded.get("recipe") == RECIPE


def randomize_frozen_batch_norms(model, generator):
    """Gives every frozen BatchNorm of the backbone non-trivial statistics and affine parameters.

    A freshly initialised timm ResNet has identity BatchNorms (mean 0, var 1, weight 1, bias 0) and
    zero-initialised last BN weights in each bottleneck, which would hide BN-folding bugs and make
    every residual branch vanish. Ranges keep activations of order 1 through all 16 bottlenecks: the
    last BN of a residual branch (bn3, downsample.1) gets a smaller scale so the residual sums stay bounded.
    """
    import torch
    from transformers.models.detr.modeling_detr import DetrFrozenBatchNorm2d

    count = 0
    with torch.no_grad():
        for name, module in model.model.backbone.named_modules():
            if not isinstance(module, DetrFrozenBatchNorm2d):
                continue
            n = module.weight.numel()
            ends_branch = name.endswith("bn3") or name.endswith("downsample.1")
            low, high = (0.1, 0.4) if ends_branch else (0.5, 1.5)
            module.weight.copy_(torch.rand(n, generator=generator) * (high - low) + low)
            module.bias.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)
            count += 1
    if count == 0:
        raise RuntimeError("no DetrFrozenBatchNorm2d found in the backbone: transformers changed its DETR layout")
    return count


def ensure_reference_model(work_dir, log=print):
    """Builds and saves the reference model in `work_dir` unless a folder with this recipe is there.

    Returns True when it (re)built the model. Writes config.json, model.safetensors and a
    preprocessor_config.json (DetrImageProcessor defaults), so the folder looks like a hub checkpoint.
    """
    quiet_offline_environment()
    work = Path(work_dir)
    if recipe_matches(work):
        return False
    import torch
    import transformers
    from transformers import DetrConfig, DetrForObjectDetection
    from transformers.models.detr.image_processing_pil_detr import DetrImageProcessorPil

    log(f"building a random DETR-R50 in {work} (one-off, ~20 s)")
    work.mkdir(parents=True, exist_ok=True)
    for name in [MARKER, *DERIVED_FILES]:
        (work / name).unlink(missing_ok=True)
    torch.manual_seed(RECIPE["model_seed"])
    config = DetrConfig(num_labels=RECIPE["num_labels"])
    model = DetrForObjectDetection(config).eval()
    randomize_frozen_batch_norms(model, torch.Generator().manual_seed(RECIPE["batch_norm_seed"]))
    model.save_pretrained(work)
    DetrImageProcessorPil().save_pretrained(work)
    # The marker goes last: an interrupted build is never mistaken for a complete one.
    marker = {"recipe": RECIPE, "transformers": transformers.__version__, "torch": torch.__version__}
    (work / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    return True


def load_reference_model(work_dir):
    """The saved model, in eval mode, loaded the way a user would (`from_pretrained`)."""
    quiet_offline_environment()
    from transformers import DetrForObjectDetection

    return DetrForObjectDetection.from_pretrained(work_dir).eval()


def ensure_fixed_inputs(work_dir):
    """Seeded normalised-image-like input (batch 1, 800x1066, no padding) in `inputs.safetensors`.

    `pixel_mask` is stored as float32 (1 = real pixel), the type vispipe's DetrModel takes.
    Returns the path.
    """
    import numpy as np
    from safetensors.numpy import save_file

    path = Path(work_dir) / "inputs.safetensors"
    if path.exists():
        return path
    rng = np.random.default_rng(INPUT_SEED)
    pixel_values = rng.standard_normal((1, 3, INPUT_HEIGHT, INPUT_WIDTH), dtype=np.float32)
    pixel_mask = np.ones((1, INPUT_HEIGHT, INPUT_WIDTH), dtype=np.float32)
    temporary = path.with_suffix(".tmp")
    save_file({"pixel_values": pixel_values, "pixel_mask": pixel_mask}, str(temporary))
    os.replace(temporary, path)
    return path


def max_relative_error(actual, expected):
    """max |actual - expected| / max |expected| — the same measure as vispipe's Swift tests.

    Returns inf on a shape mismatch and nan when NaNs appear in one array only.
    """
    import numpy as np

    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    if (nan_a != nan_e).any():
        return float("nan")
    valid = ~nan_e
    if not valid.any():
        return 0.0
    difference = np.abs(actual[valid] - expected[valid]).max()
    reference = np.abs(expected[valid]).max()
    return float(difference if reference == 0 else difference / reference)


def peak_rss_mb_of_this_process():
    """VmHWM of the calling process in MiB (Linux), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None

