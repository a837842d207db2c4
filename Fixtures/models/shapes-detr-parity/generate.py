"""Parity fixture of the shipped ShapesWorld detector (Fixtures/models/shapes-detr): what transformers
makes of four demo images, for `ShapesDetrParityTests`.

Reference: transformers 5.23.0 `DetrImageProcessorPil` (the Pillow processor vispipe matches bit for
bit) and `DetrForObjectDetection` in float32, torch 2.15.0 (Fixtures/requirements.txt).

    ../venv/bin/python Fixtures/models/shapes-detr-parity/generate.py

Writes `expected.safetensors`: `pixel_values` [4, 3, 192, 192], `pixel_mask` [4, 192, 192], `logits`
[4, 144, 8], `pred_boxes` [4, 144, 4]; and `detections.json`: per image (file name), the output of
`post_process_object_detection(threshold=0.5)` in original pixels: label id, score, [xmin, ymin, xmax, ymax].
Tolerances (in the test): pixel values within one uint8 level, logits and boxes max|a-b|/max|ref| <= 1e-4,
detections with the same labels and boxes within 1e-3 pixels.
"""
import json
from pathlib import Path

import torch
import transformers
from PIL import Image
from safetensors.torch import save_file
from transformers import AutoImageProcessor, DetrForObjectDetection
from transformers.models.detr.image_processing_pil_detr import DetrImageProcessorPil

assert transformers.__version__ == "5.23.0", transformers.__version__
assert torch.__version__.startswith("2.15.0"), torch.__version__

HERE = Path(__file__).resolve().parent
MODEL = HERE.parent / "shapes-detr"
IMAGES = HERE.parents[1] / "images" / "demo"
# Two PNG and two JPEG scenes of the demo set.
FILES = ["shapes_000000.png", "shapes_000001.jpg", "shapes_000006.png", "shapes_000011.jpg"]


def main():
    torch.set_num_threads(1)
    processor = AutoImageProcessor.from_pretrained(str(MODEL), backend="pil")
    assert type(processor) is DetrImageProcessorPil, type(processor)
    model = DetrForObjectDetection.from_pretrained(str(MODEL)).eval()
    images = [Image.open(IMAGES / name).convert("RGB") for name in FILES]
    inputs = processor(images=images, return_tensors="pt")
    with torch.no_grad():
        output = model(pixel_values=inputs["pixel_values"], pixel_mask=inputs["pixel_mask"])
    save_file({"pixel_values": inputs["pixel_values"].contiguous(),
               "pixel_mask": inputs["pixel_mask"].float().contiguous(),
               "logits": output.logits.contiguous(), "pred_boxes": output.pred_boxes.contiguous()},
              str(HERE / "expected.safetensors"), metadata={"format": "pt"})
    sizes = [(image.height, image.width) for image in images]
    results = processor.post_process_object_detection(output, threshold=0.5, target_sizes=sizes)
    detections = {name: [{"label_id": int(label), "score": float(score), "box": [float(v) for v in box]}
                         for score, label, box in zip(result["scores"], result["labels"], result["boxes"])]
                  for name, result in zip(FILES, results)}
    (HERE / "detections.json").write_text(json.dumps(detections, indent=1) + "\n")
    for name, found in detections.items():
        print(name, [(model.config.id2label[d["label_id"]], round(d["score"], 3)) for d in found])


if __name__ == "__main__":
    main()
