"""Writes Pillow's BILINEAR and NEAREST resize outputs for the Swift resize tests.

Run from the repository root with the pinned reference environment (Fixtures/requirements.txt):

    ../venv/bin/python Fixtures/images/generate_resize_fixtures.py

Output: Fixtures/images/resize_expected.safetensors, all tensors U8 [H, W, 3]:
  src/<name>                      a stored source image
  bilinear/<name>/<W>x<H>         Image.resize((W, H), Image.BILINEAR) of source <name>
  nearest/<name>/<W>x<H>          Image.resize((W, H), Image.NEAREST) of source <name>
The source "procedural" (640x480) is too large to store; it is defined by a formula that the
Swift test recomputes (see procedural_image below and the file's metadata).
"""

import os

import numpy as np
import PIL
from PIL import Image
from safetensors.numpy import save_file

assert PIL.__version__ == "12.0.0", f"expected Pillow 12.0.0, found {PIL.__version__}"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resize_expected.safetensors")
rng = np.random.default_rng(20240611)


def noise_with_gradients(width, height):
    """Uniform noise mixed with horizontal/vertical ramps so both smooth and sharp content is tested."""
    noise = rng.integers(0, 256, size=(height, width, 3)).astype(np.float64)
    xs = np.linspace(0, 255, width)[None, :, None]
    ys = np.linspace(255, 0, height)[:, None, None]
    ramps = np.concatenate([np.broadcast_to(xs, (height, width, 1)),
                            np.broadcast_to(ys, (height, width, 1)),
                            np.broadcast_to((xs + ys) / 2, (height, width, 1))], axis=2)
    return np.clip(np.round(0.5 * noise + 0.5 * ramps), 0, 255).astype(np.uint8)


PROCEDURAL_FORMULA = "v(x, y, c) = ((x * 37 + y * 91 + c * 53) ^ (x * y * 7)) & 255"


def procedural_image(width, height):
    y, x, c = np.meshgrid(np.arange(height, dtype=np.int64), np.arange(width, dtype=np.int64),
                          np.arange(3, dtype=np.int64), indexing="ij")
    return (((x * 37 + y * 91 + c * 53) ^ (x * y * 7)) & 255).astype(np.uint8)


stored_sources = {
    "tiny7x5": rng.integers(0, 256, size=(5, 7, 3)).astype(np.uint8),
    "odd37x23": noise_with_gradients(37, 23),
    "photo96x72": noise_with_gradients(96, 72),
    "pixel1x1": rng.integers(0, 256, size=(1, 1, 3)).astype(np.uint8),
    "column1x9": rng.integers(0, 256, size=(9, 1, 3)).astype(np.uint8),
    "row9x1": rng.integers(0, 256, size=(1, 9, 3)).astype(np.uint8),
}

targets = {
    # Extreme ratios, same size, 1-pixel outputs, single-axis changes.
    "tiny7x5": [(64, 3), (3, 64), (1, 1), (7, 5), (14, 10), (1, 5), (7, 1), (20, 13), (6, 4)],
    "odd37x23": [(16, 16), (100, 31), (37, 23), (36, 23), (37, 40), (5, 3), (1, 23), (37, 1),
                 (74, 46), (19, 12), (38, 22)],
    "photo96x72": [(13, 11), (48, 36), (53, 37), (97, 73), (40, 90)],
    "pixel1x1": [(5, 4), (1, 1), (1, 3)],
    "column1x9": [(4, 20), (1, 3), (3, 9)],
    "row9x1": [(20, 4), (3, 1), (9, 2)],
    "procedural": [(13, 11), (64, 48), (7, 5), (33, 100)],
}

tensors = {}
for name, array in stored_sources.items():
    tensors[f"src/{name}"] = array
all_sources = dict(stored_sources, procedural=procedural_image(640, 480))

for name, sizes in targets.items():
    image = Image.fromarray(all_sources[name], mode="RGB")
    for (w, h) in sizes:
        for label, flag in (("bilinear", Image.Resampling.BILINEAR), ("nearest", Image.Resampling.NEAREST)):
            out = np.asarray(image.resize((w, h), flag))
            assert out.shape == (h, w, 3)
            tensors[f"{label}/{name}/{w}x{h}"] = np.ascontiguousarray(out)

# One metadata key only: safetensors writes the metadata map in hash order, and a single key keeps
# the file byte-for-byte reproducible.
metadata = {
    "info": f"generator Fixtures/images/generate_resize_fixtures.py; Pillow {PIL.__version__}; "
            f"procedural source 640x480, {PROCEDURAL_FORMULA}",
}
save_file(tensors, OUT, metadata=metadata)
print(f"wrote {OUT}: {len(tensors)} tensors, {os.path.getsize(OUT)} bytes")
