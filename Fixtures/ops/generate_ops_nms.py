"""Reference outputs for vispipe's non-maximum suppression (VisModels' NonMaximumSuppression,
the `nms` stage): torchvision's `ops.nms` and `ops.batched_nms`.

Re-run from the repository root with the pinned environment (Fixtures/requirements.txt):

    /work/venv/bin/python Fixtures/ops/generate_ops_nms.py

It writes Fixtures/ops/nms.safetensors (seeded, deterministic): 60 float32 boxes (xmin, ymin,
xmax, ymax) in clusters so that many overlap, distinct scores, labels 0-3, and for each case the
kept indices in torchvision's order (highest score first). Tests/VisModelsTests/
NonMaximumSuppressionTests.swift reads it back.
"""
import os

import torch
from safetensors.torch import save_file
from torchvision.ops import batched_nms, box_iou, nms

torch.manual_seed(20261129)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nms.safetensors")

# Six clusters of ten jittered boxes: overlaps from near-duplicates to barely touching.
centres = torch.rand(6, 2) * 200
sizes = 20 + torch.rand(6, 2) * 60
jitter = torch.randn(6, 10, 4) * torch.cat([sizes, sizes], 1)[:, None, :] * 0.15
centre_boxes = torch.cat([centres - sizes / 2, centres + sizes / 2], 1)
boxes = (centre_boxes[:, None, :] + jitter).reshape(-1, 4)
boxes = torch.stack([torch.minimum(boxes[:, 0], boxes[:, 2]), torch.minimum(boxes[:, 1], boxes[:, 3]),
                     torch.maximum(boxes[:, 0], boxes[:, 2]), torch.maximum(boxes[:, 1], boxes[:, 3])], 1)
boxes = boxes.to(torch.float32).contiguous()
scores = torch.randperm(len(boxes)).to(torch.float32) / len(boxes) * 0.9 + 0.05  # distinct: no ties to order
labels = torch.randint(0, 4, (len(boxes),))

tensors = {"boxes": boxes, "scores": scores, "labels": labels}
iou = box_iou(boxes, boxes)
for threshold in (0.3, 0.5, 0.7):
    # A pair whose IoU is within float rounding of the threshold could go either way.
    margin = (iou - threshold).abs().min().item()
    assert margin > 1e-4, f"an IoU is {margin} from {threshold}"
    tensors[f"nms_{threshold}"] = nms(boxes, scores, threshold)
    tensors[f"batched_nms_{threshold}"] = batched_nms(boxes, scores, labels, threshold)
    print(f"iou {threshold}: nms keeps {len(tensors[f'nms_{threshold}'])}, "
          f"batched_nms keeps {len(tensors[f'batched_nms_{threshold}'])} of {len(boxes)}")
save_file(tensors, OUT)
print("wrote", OUT)
