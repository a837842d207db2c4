"""End-to-end DETR parity: transformers (preprocessing + model) against `vispipe forward detr` on a photo.

Not part of `make test` (needs the reference packages and a release build). Uses the full-size random
DETR-R50 of Tools/common/detr_reference.py (non-trivial BatchNorm statistics, so BN folding bugs show).

    ../venv/bin/python Tools/parity/detr_parity.py [--image PHOTO] [--vispipe .build/release/vispipe]

Without --image a procedurally generated 640x480 "photo" (sky, sun, buildings, trees, textured ground,
sensor noise; written as JPEG to the work folder) is used: the repository holds no real photo.

Checks (exit 1 when one fails):
  pixel_values   max |vispipe - transformers| <= 1/255/std, i.e. at most one uint8 level per channel
  pixel_mask     identical
  model          torch on vispipe's own pixel_values/mask vs vispipe's logits/pred_boxes: max rel. error <= 1e-4
  end to end     transformers' logits/pred_boxes vs vispipe's: max rel. error <= 1e-4
Exit 2 when it cannot run (vispipe binary or reference packages missing).
"""
import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import detr_reference as ref  # noqa: E402

ref.quiet_offline_environment()

OUTPUT_TOLERANCE = 1e-4
PIXEL_TOLERANCE_LEVELS = 1.0 + 1e-3  # one uint8 level; the slack absorbs float32 rounding of the level itself
GENERATED_PHOTO = "parity-photo.jpg"


def smooth_noise(rng, height, width, cells):
    """Value noise: a coarse random grid upsampled bicubically, in [0, 1]."""
    import numpy as np
    from PIL import Image

    coarse = rng.random((cells, cells * width // height + 1)).astype(np.float32)
    resized = Image.fromarray(coarse, mode="F").resize((width, height), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(resized), 0.0, 1.0)


def generate_photo(path, width=640, height=480, seed=7):
    """A deterministic photo-like test picture: smooth gradients, hard edges, textures and noise, so the
    resize filter, JPEG decoding and normalisation are all exercised on natural-looking statistics."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    horizon = int(height * 0.62)
    sky = np.stack([70 + 120 * y, 120 + 100 * y, 200 + 40 * y], axis=-1) * np.ones((1, width, 1), np.float32)
    ground_texture = 0.6 * smooth_noise(rng, height, width, 12) + 0.4 * smooth_noise(rng, height, width, 60)
    ground = np.stack([60 + 80 * ground_texture, 90 + 90 * ground_texture, 40 + 40 * ground_texture], axis=-1)
    picture = np.where(np.arange(height)[:, None, None] < horizon, sky, ground)
    clouds = smooth_noise(rng, height, width, 8)[..., None]
    picture = np.where(np.arange(height)[:, None, None] < horizon, picture + 60 * np.clip(clouds - 0.55, 0, 1), picture)

    image = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.ellipse((480, 40, 560, 120), fill=(255, 236, 170))  # sun
    for left in range(30, 420, 95):  # buildings with lit windows
        top = horizon - int(rng.integers(90, 200))
        right = left + int(rng.integers(55, 85))
        shade = int(rng.integers(70, 140))
        draw.rectangle((left, top, right, horizon), fill=(shade, shade - 10, shade - 20), outline=(30, 30, 30))
        for wy in range(top + 10, horizon - 12, 18):
            for wx in range(left + 8, right - 10, 16):
                lit = rng.random() < 0.5
                draw.rectangle((wx, wy, wx + 7, wy + 9), fill=(250, 220, 120) if lit else (40, 50, 70))
    draw.polygon([(0, height), (0, height - 60), (260, horizon + 20), (330, horizon + 20), (width, height - 30),
                  (width, height)], fill=(105, 100, 95))  # road
    for _ in range(6):  # trees
        cx, cy = int(rng.integers(0, width)), int(rng.integers(horizon - 10, height - 40))
        r = int(rng.integers(18, 45))
        draw.rectangle((cx - 4, cy, cx + 4, cy + r + 20), fill=(80, 50, 30))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(30, int(rng.integers(90, 140)), 40))
    image = image.filter(ImageFilter.GaussianBlur(0.8))  # lens softness: no perfectly sharp synthetic edges
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0.0, 4.0, (height, width, 3))
    Image.fromarray(np.clip(noisy + 0.5, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def pixel_difference_in_levels(actual, expected, std):
    """max |actual - expected| expressed in uint8 levels of the input (1 level = 1/255/std per channel)."""
    import numpy as np

    scale = (np.asarray(std, dtype=np.float64) * 255.0).reshape(1, -1, 1, 1)
    return float((np.abs(actual.astype(np.float64) - expected.astype(np.float64)) * scale).max())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", help="photo to run (default: a generated 640x480 test picture)")
    parser.add_argument("--work", default=ref.DEFAULT_WORK_DIR, help="cache folder of the reference model")
    parser.add_argument("--vispipe", default=".build/release/vispipe", help="vispipe binary")
    parser.add_argument("--processor", choices=["pil", "torchvision"], default="pil",
                        help="transformers backend for the reference preprocessing (vispipe mirrors Pillow)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()

    if not Path(args.vispipe).is_file():
        print(f"vispipe binary not found at {args.vispipe}: build it with "
              "`swift build -c release --product vispipe` (nothing to compare)")
        return 2
    try:
        import numpy as np
        import torch
        import transformers
        from safetensors.numpy import load_file
        from transformers import AutoImageProcessor
        from transformers.image_utils import load_image
    except ImportError as error:
        print(f"reference packages missing ({error}); install Fixtures/requirements.txt into the venv")
        return 2
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    work = Path(args.work)
    if ref.ensure_reference_model(work):
        print(f"built the reference model in {work}")
    if args.image:
        image_path = Path(args.image)
    else:
        image_path = generate_photo(work / GENERATED_PHOTO)
        print(f"no --image given: using the generated test picture {image_path}")

    # What the transformers pipeline would pick here, for the record; the reference backend is explicit.
    auto_class = type(AutoImageProcessor.from_pretrained(work)).__name__
    if args.processor == "pil":
        from transformers.models.detr.image_processing_pil_detr import DetrImageProcessorPil as Processor
    else:
        from transformers.models.detr.image_processing_detr import DetrImageProcessor as Processor
    processor = Processor.from_pretrained(work)
    print(f"transformers {transformers.__version__}: reference preprocessing {Processor.__name__} "
          f"(AutoImageProcessor/pipeline here: {auto_class})")

    image = load_image(str(image_path))  # EXIF orientation applied, RGB, as the pipeline does
    inputs = processor(images=image, return_tensors="pt")
    model = ref.load_reference_model(work)
    with torch.inference_mode():
        expected = model(pixel_values=inputs["pixel_values"], pixel_mask=inputs["pixel_mask"])

    out_path = work / "parity-vispipe.safetensors"
    out_path.unlink(missing_ok=True)
    command = [args.vispipe, "forward", "detr", "--model", str(work), "--image", str(image_path), "--out", str(out_path)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0 or not out_path.exists():
        print(f"vispipe failed (exit {completed.returncode}): {' '.join(command)}")
        print(completed.stderr.strip() or completed.stdout.strip())
        return 1
    ours = load_file(str(out_path))
    missing = [k for k in ("pixel_values", "pixel_mask", "logits", "pred_boxes") if k not in ours]
    if missing:
        print(f"{out_path} lacks {', '.join(missing)}")
        return 1

    failures = []
    reference_pixels = inputs["pixel_values"].numpy()
    reference_mask = inputs["pixel_mask"].numpy()
    print(f"\nimage {image_path} ({image.width}x{image.height}) -> pixel_values {list(reference_pixels.shape)}")
    if ours["pixel_values"].shape != reference_pixels.shape:
        failures.append(f"pixel_values shape {list(ours['pixel_values'].shape)} != {list(reference_pixels.shape)}")
    else:
        levels = pixel_difference_in_levels(ours["pixel_values"], reference_pixels, processor.image_std)
        differing = int((np.abs(ours["pixel_values"] - reference_pixels) > 1e-6).sum())
        print(f"pixel_values: max difference {levels:.4f} uint8 levels (1/255/std), {differing} of "
              f"{reference_pixels.size} values differ")
        if not levels <= PIXEL_TOLERANCE_LEVELS:
            failures.append(f"pixel_values differ by {levels:.3f} levels (> 1)")
        other = "torchvision" if args.processor == "pil" else "pil"
        print(f"  (for scale: transformers' {other} backend differs from the {args.processor} one by "
              f"{informational_backend_gap(work, image, reference_pixels, other, processor.image_std):.4f} levels)")
    if ours["pixel_mask"].shape != reference_mask.shape or (ours["pixel_mask"] != reference_mask).any():
        failures.append("pixel_mask differs")
    else:
        print("pixel_mask: identical")

    # The model alone, on vispipe's own inputs: separates model bugs from preprocessing differences.
    if ours["pixel_values"].shape == reference_pixels.shape:
        with torch.inference_mode():
            on_ours = model(pixel_values=torch.from_numpy(ours["pixel_values"]),
                            pixel_mask=torch.from_numpy(ours["pixel_mask"]).to(torch.long))
        check_outputs("model (vispipe's inputs)", ours, on_ours, failures)
    check_outputs("end to end", ours, expected, failures)

    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print(f"\nPASSED (outputs <= {OUTPUT_TOLERANCE:g} relative, pixels <= 1 level)")
    return 0


def check_outputs(label, ours, expected, failures):
    for name, reference in (("logits", expected.logits), ("pred_boxes", expected.pred_boxes)):
        error = ref.max_relative_error(ours[name], reference.numpy())
        print(f"{label}: {name} max relative error {error:.2e}")
        if not error <= OUTPUT_TOLERANCE:
            failures.append(f"{label} {name} {error:.2e} > {OUTPUT_TOLERANCE:g}")


def informational_backend_gap(work, image, reference_pixels, backend, std):
    """How far transformers' two preprocessing backends are from each other on this image."""
    if backend == "pil":
        from transformers.models.detr.image_processing_pil_detr import DetrImageProcessorPil as Processor
    else:
        from transformers.models.detr.image_processing_detr import DetrImageProcessor as Processor
    pixels = Processor.from_pretrained(work)(images=image, return_tensors="pt")["pixel_values"].numpy()
    if pixels.shape != reference_pixels.shape:
        return float("inf")
    return pixel_difference_in_levels(pixels, reference_pixels, std)


if __name__ == "__main__":
    sys.exit(main())
