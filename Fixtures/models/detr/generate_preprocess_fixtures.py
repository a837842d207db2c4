"""Expected DETR preprocessing and post-processing outputs from transformers 5.23.0.

Run from the repository root with the pinned environment (Fixtures/requirements.txt):
    ../venv/bin/python Fixtures/models/detr/generate_preprocess_fixtures.py

Preprocessing (Fixtures/models/detr/preprocess/<case>/):
- preprocessor_config.json: the configuration the Swift processor reads;
- expected.safetensors: the input images (`image_i`, uint8 [H, W, 3]) and transformers' outputs
  `pixel_values` (float32 [B, 3, H, W]) and `pixel_mask` (uint8 [B, H, W]).
The reference is `AutoImageProcessor.from_pretrained(case_dir, backend="pil")`, i.e.
`DetrImageProcessorPil`, the Pillow-based processor. transformers picks the torchvision-based
`DetrImageProcessor` by default when torchvision is installed; the script prints how far that
one's output is from the Pillow one, for the record. Sizes are kept tiny (sides at most 40 after resizing).

Post-processing (Fixtures/models/detr/postprocess.safetensors): random `logits` [2, 7, 5] and
`pred_boxes` [2, 7, 4], `target_sizes` (I64 [2, 2], (height, width)), and for thresholds 0.5 and
0.0 the results of `post_process_object_detection`: `t{threshold}.image{b}.scores` / `.labels` (I64)
/ `.boxes`.
"""
import json
import shutil
from pathlib import Path

import numpy as np
import torch
import transformers
from PIL import Image
from safetensors.torch import save_file
from transformers import AutoImageProcessor
from transformers.models.detr.image_processing_pil_detr import DetrImageProcessorPil
from transformers.models.detr.modeling_detr import DetrObjectDetectionOutput

assert transformers.__version__ == "5.23.0", transformers.__version__

HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(1234)


def test_image(width: int, height: int) -> np.ndarray:
    """Gradients plus noise plus a hard edge: resampling differences show up everywhere."""
    y, x = np.mgrid[0:height, 0:width]
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = np.where((x // 5 + y // 3) % 2 == 0, 230, 20)
    image = np.stack([r, g, b], axis=-1) + rng.normal(0, 25, (height, width, 3))
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


# (case name, preprocessor_config.json, image sizes (width, height))
CASES = [
    # shortest/longest edge: a landscape and a portrait hitting the longest-edge cap, a downscale
    # hitting the cap, one already at the short side (not resized) and a plain upscale; batch padded
    # to the largest.
    ("shortest_longest", {"size": {"shortest_edge": 24, "longest_edge": 36}, "do_pad": True},
     [(37, 23), (29, 61), (72, 38), (30, 24), (20, 17)]),
    # The hub's legacy form (facebook/detr-resnet-50): integer size plus max_size, extra keys ignored.
    ("legacy_integer_size", {"do_normalize": True, "do_resize": True, "feature_extractor_type": "DetrFeatureExtractor",
                             "format": "coco_detection", "image_mean": [0.485, 0.456, 0.406],
                             "image_std": [0.229, 0.224, 0.225], "max_size": 40, "size": 24},
     [(31, 45), (70, 33)]),
    # Exact height/width with a fixed pad size and nearest resampling.
    ("exact_nearest_pad_size", {"size": {"height": 20, "width": 30}, "resample": 0, "pad_size": {"height": 24, "width": 33}},
     [(17, 41), (64, 48)]),
    # Fit into max_height/max_width (small images grow), custom mean/std and rescale factor.
    ("max_height_width", {"size": {"max_height": 26, "max_width": 22}, "image_mean": 0.5, "image_std": [0.25, 0.5, 0.75],
                          "rescale_factor": 0.004},
     [(15, 9), (50, 81)]),
]


def write_preprocess_fixtures() -> None:
    root = HERE / "preprocess"
    shutil.rmtree(root, ignore_errors=True)
    for name, config, sizes in CASES:
        directory = root / name
        directory.mkdir(parents=True)
        (directory / "preprocessor_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        # AutoImageProcessor needs the model type; the config is removed again below.
        (directory / "config.json").write_text(json.dumps({"model_type": "detr"}))
        images = [test_image(w, h) for w, h in sizes]
        pil = [Image.fromarray(a) for a in images]
        processor = AutoImageProcessor.from_pretrained(str(directory), backend="pil")
        assert type(processor) is DetrImageProcessorPil, type(processor)
        out = processor(images=pil, return_tensors="pt")
        default = AutoImageProcessor.from_pretrained(str(directory))
        if type(default) is not DetrImageProcessorPil:
            other = default(images=pil, return_tensors="pt")
            same_shape = other["pixel_values"].shape == out["pixel_values"].shape
            diff = (other["pixel_values"] - out["pixel_values"]).abs().max().item() if same_shape else float("nan")
            print(f"{name}: default {type(default).__name__} vs Pillow-based: max |Δ pixel_values| = {diff:.3g}")
        (directory / "config.json").unlink()
        tensors = {f"image_{i}": torch.from_numpy(a.copy()) for i, a in enumerate(images)}
        tensors["pixel_values"] = out["pixel_values"].to(torch.float32).contiguous()
        tensors["pixel_mask"] = out["pixel_mask"].to(torch.uint8).contiguous()
        save_file(tensors, str(directory / "expected.safetensors"))
        print(f"{name}: pixel_values {tuple(out['pixel_values'].shape)}, "
              f"{(directory / 'expected.safetensors').stat().st_size} bytes")


def write_postprocess_fixture() -> None:
    torch.manual_seed(5)
    logits = torch.randn(2, 7, 5) * 3.0
    logits[0, 2, :] = torch.tensor([9.0, 0.0, 0.0, 0.0, 0.0])  # a confident detection
    logits[1, 4, :] = torch.tensor([0.0, 0.0, 0.0, 0.0, 9.0])  # confidently "no object"
    boxes = torch.sigmoid(torch.randn(2, 7, 4))
    target_sizes = [(480, 640), (333, 517)]
    outputs = DetrObjectDetectionOutput(logits=logits, pred_boxes=boxes)
    tensors = {"logits": logits, "pred_boxes": boxes, "target_sizes": torch.tensor(target_sizes, dtype=torch.int64)}
    processor = DetrImageProcessorPil()
    for threshold in (0.5, 0.0):
        results = processor.post_process_object_detection(outputs, threshold=threshold, target_sizes=target_sizes)
        for b, result in enumerate(results):
            prefix = f"t{threshold}.image{b}"
            tensors[f"{prefix}.scores"] = result["scores"].contiguous()
            tensors[f"{prefix}.labels"] = result["labels"].to(torch.int64).contiguous()
            tensors[f"{prefix}.boxes"] = result["boxes"].reshape(-1, 4).contiguous()
            print(f"threshold {threshold}, image {b}: {len(result['scores'])} detections")
    save_file(tensors, str(HERE / "postprocess.safetensors"))


if __name__ == "__main__":
    write_preprocess_fixtures()
    write_postprocess_fixture()
