"""ShapesWorld folders (written by `vispipe synth shapes`) as training tensors.

Every image is resized once, exactly as the shipped preprocessor_config.json makes DETR's image
processor do it (Pillow BILINEAR to a fixed square), and cached as uint8 next to the data
(`cache-<size>.npz`), so training epochs cost no decoding. Boxes are DETR targets: normalised
(cx, cy, w, h) of the original image, labels are the COCO category ids (1...6).
"""
import json
from pathlib import Path

import numpy as np
from PIL import Image

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class ShapesSplit:
    """One ShapesWorld folder: images (N, S, S, 3) uint8, and per image its boxes and labels."""

    def __init__(self, folder, size):
        self.folder = Path(folder)
        self.size = size
        coco = json.loads((self.folder / "instances.json").read_text())
        self.images_info = sorted(coco["images"], key=lambda image: image["id"])
        self.categories = sorted(coco["categories"], key=lambda category: category["id"])
        by_image = {image["id"]: [] for image in self.images_info}
        for annotation in coco["annotations"]:
            by_image[annotation["image_id"]].append(annotation)
        self.boxes, self.labels = [], []
        for info in self.images_info:
            width, height = info["width"], info["height"]
            boxes = [[(x + w / 2) / width, (y + h / 2) / height, w / width, h / height]
                     for x, y, w, h in (a["bbox"] for a in by_image[info["id"]])]
            self.boxes.append(np.asarray(boxes, np.float32).reshape(-1, 4))
            self.labels.append(np.asarray([a["category_id"] for a in by_image[info["id"]]], np.int64))
        self.pixels = self._cached_pixels()

    def __len__(self):
        return len(self.images_info)

    def _cached_pixels(self):
        cache = self.folder / f"cache-{self.size}.npz"
        if cache.exists():
            return np.load(cache)["pixels"]
        pixels = np.empty((len(self.images_info), self.size, self.size, 3), np.uint8)
        for index, info in enumerate(self.images_info):
            with Image.open(self.folder / info["file_name"]) as image:
                resized = image.convert("RGB").resize((self.size, self.size), Image.Resampling.BILINEAR)
            pixels[index] = np.array(resized)
        np.savez(cache, pixels=pixels)
        return pixels


def normalise(pixels_uint8):
    """(B, S, S, 3) uint8 numpy -> (B, 3, S, S) float32 torch tensor, ImageNet mean/std as DETR's processor."""
    import torch

    pixels = torch.from_numpy(pixels_uint8).permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (pixels - mean) / std


def augmented_batch(split, indices, rng):
    """A training batch with random horizontal and vertical flips (every ShapesWorld class is
    mirror-symmetric as a class: a flipped star is a star), as (pixels, targets)."""
    pixels = split.pixels[indices].copy()
    targets = []
    for row, index in enumerate(indices):
        boxes = split.boxes[index].copy()
        if rng.random() < 0.5:
            pixels[row] = pixels[row, :, ::-1]
            boxes[:, 0] = 1.0 - boxes[:, 0]
        if rng.random() < 0.5:
            pixels[row] = pixels[row, ::-1, :]
            boxes[:, 1] = 1.0 - boxes[:, 1]
        targets.append((boxes, split.labels[index]))
    return normalise(pixels), targets
