"""Reference post-processed detections for the DETR model fixtures.

For every `<case>.expected.safetensors` written by generate_detr_fixtures.py, runs transformers
5.23.0's `post_process_object_detection` (the object-detection pipeline's post-processing) on the
reference `logits` / `pred_boxes` with threshold 0 (every query kept, so every label is compared)
and each image's own unpadded size (from `pixel_mask`) as its original size, and writes `postprocessed/<case>.safetensors` with, per image b,
`b{b}_scores` [N], `b{b}_labels` [N] (I64), `b{b}_boxes` [N, 4] (xmin, ymin, xmax, ymax in pixels)
and `target_sizes` [B, 2] (height, width). It also prints the smallest gap between a query's best
and second-best class probability, so that a label comparison cannot hinge on float noise.

Run from the repository root:  ../venv/bin/python Fixtures/models/detr/generate_postprocessed_fixtures.py
"""
import glob
import os

import torch
from safetensors.torch import load_file, save_file
from transformers import DetrImageProcessorPil
from transformers.models.detr.modeling_detr import DetrObjectDetectionOutput

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    processor = DetrImageProcessorPil()
    os.makedirs(os.path.join(HERE, "postprocessed"), exist_ok=True)
    for path in sorted(glob.glob(os.path.join(HERE, "*.expected.safetensors"))):
        case = os.path.basename(path).removesuffix(".expected.safetensors")
        reference = load_file(path)
        logits, boxes = reference["logits"], reference["pred_boxes"]
        batch = logits.shape[0]
        mask = reference["pixel_mask"]
        target_sizes = torch.tensor([[int(mask[b, :, 0].sum()), int(mask[b, 0, :].sum())] for b in range(batch)],
                                    dtype=torch.int64)
        outputs = DetrObjectDetectionOutput(logits=logits, pred_boxes=boxes)
        results = processor.post_process_object_detection(outputs, threshold=0.0, target_sizes=target_sizes)
        probabilities = logits.softmax(-1)[..., :-1]
        top2 = probabilities.topk(2, dim=-1).values
        margin = (top2[..., 0] - top2[..., 1]).min().item()
        tensors = {"target_sizes": target_sizes}
        for b, result in enumerate(results):
            tensors[f"b{b}_scores"] = result["scores"].contiguous()
            tensors[f"b{b}_labels"] = result["labels"].to(torch.int64).contiguous()
            tensors[f"b{b}_boxes"] = result["boxes"].contiguous()
        save_file(tensors, os.path.join(HERE, "postprocessed", f"{case}.safetensors"))
        print(f"{case}: {sum(len(r['scores']) for r in results)} detections, smallest top-2 class margin {margin:.2e}")


if __name__ == "__main__":
    main()
