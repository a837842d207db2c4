#!/usr/bin/env python3
"""Generates the image-codec fixtures used by Tests/VisImageTests.

Reference: Pillow 12.0.0 + numpy (see Fixtures/requirements.txt). Run from the repository root:

    ../venv/bin/python Fixtures/images/generate_image_fixtures.py

Outputs (all committed, all small):
  images/pngsuite_expected.safetensors  for every valid PngSuite image `<stem>`: Pillow's
      exif_transpose + convert("RGB") pixels, U8 [H, W, 3] (alpha DROPPED, as Pillow does);
      for images with alpha (colour types 4/6 or a tRNS chunk) also `<stem>_on_white`: the colour
      composited on white with out = (c * a + 255 * (255 - a) + 127) // 255.
      Identical arrays are stored once; the header metadata maps each name to its tensor.
  images/png/            exif_orientation_6.png (eXIf chunk), huge_dimensions.png (IHDR claims
                         100000 x 100000; tiny file, valid CRCs)
  images/png_extra_expected.safetensors  Pillow decode of exif_orientation_6.png
  images/jpeg/*.jpg      baseline, progressive, grayscale, CMYK (Adobe), YCCK (Adobe transform 2),
                         4:2:0, 4:2:2, 4:4:4, restart markers, EXIF orientations 1-8, a truncated file
  images/jpeg_expected.safetensors  Pillow exif_transpose + convert("RGB") of each valid JPEG
  images/bad/            empty.png (0 bytes), random.jpg (random bytes), text.png (a text file)

Pillow cannot write YCCK, so ycck.jpg is written by images/tools/write_ycck_jpeg.c, which this
script compiles with the system C compiler and libjpeg (`cc ... -ljpeg`) into a temporary folder.
Its expectation is still Pillow's decode of the file.

Alpha of the composite expectations: for colour types 4 and 6 it is Pillow's alpha channel (the
high byte of 16-bit alpha). For tRNS images it is computed here from the raw PNG samples as the PNG
specification defines it (alpha 0 where the *full-precision* sample equals the tRNS value, palette
alpha from the tRNS table), because Pillow's convert("RGBA") gets two PngSuite files wrong
(tbbn0g04: 4-bit gray tRNS never matches; tbwn0g16: I;16 with tRNS becomes fully transparent).
"""
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import numpy as np
from PIL import Image, ImageOps
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "pngsuite")


def pillow_rgb(path):
    """What the transformers image loader produces: exif_transpose, then convert("RGB")."""
    with Image.open(path) as im:
        im.load()
        im = ImageOps.exif_transpose(im)
        return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))


def save_tensors(tensors, path, metadata=None):
    """save_file, except that an existing file holding the same tensors and metadata is left alone:
    the safetensors writer orders metadata entries differently from run to run, and re-running the
    generator should not produce a byte diff for unchanged expectations."""
    if os.path.exists(path):
        with safe_open(path, framework="numpy") as f:
            old_metadata = f.metadata() or None
        old = load_file(path)
        if (old_metadata == (metadata or None) and old.keys() == tensors.keys()
                and all(old[k].dtype == tensors[k].dtype and np.array_equal(old[k], tensors[k]) for k in old)):
            return
    save_file(tensors, path, metadata=metadata)


# ---------------------------------------------------------------------------------------------
# Minimal raw PNG sample reader (non-interlaced only), used for tRNS alpha per the PNG spec.

def png_chunks(data):
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        yield ctype, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def raw_png_samples(path):
    """Returns (samples [H, W, C] at full bit depth, colour_type, bit_depth, trns bytes, palette)."""
    data = open(path, "rb").read()
    idat, trns, palette = b"", None, None
    for ctype, body in png_chunks(data):
        if ctype == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"tRNS":
            trns = body
        elif ctype == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
    assert interlace == 0, f"{path}: the raw reader handles non-interlaced images only"
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    bits_per_pixel = channels * depth
    stride = (width * bits_per_pixel + 7) // 8
    bpp = max(1, bits_per_pixel // 8)
    raw = zlib.decompress(idat)
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    if depth == 16:
        samples = np.frombuffer(b"".join(rows), dtype=">u2").reshape(height, width, channels).astype(np.int64)
    elif depth == 8:
        samples = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, channels).astype(np.int64)
    else:
        bits = np.unpackbits(np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, stride), axis=1)
        bits = bits[:, :width * depth].reshape(height, width, depth)
        weights = 1 << np.arange(depth - 1, -1, -1)
        samples = (bits * weights).sum(axis=2).reshape(height, width, 1).astype(np.int64)
    return samples, colour, depth, trns, palette


def trns_alpha(path):
    """8-bit alpha implied by a tRNS chunk, computed at full sample precision."""
    samples, colour, depth, trns, palette = raw_png_samples(path)
    if colour == 3:
        table = np.full(256, 255, dtype=np.int64)
        table[:len(trns)] = np.frombuffer(trns, dtype=np.uint8)
        # Cross-check the reader against Pillow's palette lookup.
        assert (palette[samples[..., 0]] == pillow_rgb(path)).all(), path
        return table[samples[..., 0]].astype(np.uint8)
    if colour == 0:
        key = struct.unpack(">H", trns[:2])
        return np.where(samples[..., 0] == key[0], 0, 255).astype(np.uint8)
    if colour == 2:
        key = np.array(struct.unpack(">HHH", trns[:6]))
        if depth == 8:
            assert (samples == pillow_rgb(path)).all(), path
        return np.where((samples == key).all(axis=2), 0, 255).astype(np.uint8)
    raise ValueError(f"{path}: tRNS with colour type {colour}")


def composite_on_white(rgb, alpha):
    c = rgb.astype(np.int64)
    a = alpha.astype(np.int64)[..., None]
    return ((c * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def pngsuite_expectations():
    tensors = {}
    for name in sorted(os.listdir(SUITE)):
        if not name.endswith(".png") or name.startswith("x"):  # x*: deliberately corrupt files
            continue
        path = os.path.join(SUITE, name)
        stem = name[:-4]
        rgb = pillow_rgb(path)
        tensors[stem] = rgb
        data = open(path, "rb").read()
        colour = data[25]
        has_trns = any(ctype == b"tRNS" for ctype, _ in png_chunks(data))
        if colour in (4, 6):
            with Image.open(path) as im:
                alpha = np.asarray(ImageOps.exif_transpose(im).convert("RGBA"))[..., 3]
            tensors[stem + "_on_white"] = composite_on_white(rgb, alpha)
        elif has_trns:
            tensors[stem + "_on_white"] = composite_on_white(rgb, trns_alpha(path))
    # Many PngSuite files decode to identical pixels (interlaced/non-interlaced pairs, the oi* and
    # z* series, ...). Each distinct array is stored once, under the first name that produced it;
    # the metadata maps every expectation name to its tensor.
    unique, index = {}, {}
    for name in sorted(tensors):
        array = tensors[name]
        key = (array.shape, array.tobytes())
        if key not in unique:
            unique[key] = name
        index[name] = unique[key]
    stored = {tensor_name: tensors[tensor_name] for tensor_name in set(index.values())}
    save_tensors(stored, os.path.join(HERE, "pngsuite_expected.safetensors"), metadata=index)
    return len(index), len(stored)


# ---------------------------------------------------------------------------------------------
# Synthetic pictures.

def test_picture(width=24, height=17, seed=7):
    """A small asymmetric picture: smooth gradients, a red block in the top-left corner and a blue
    bar along the bottom edge, plus mild noise — any flip or rotation error is obvious."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([
        40 + 180 * x / (width - 1),
        30 + 200 * y / (height - 1),
        120 + 60 * np.sin(x / 3.0 + y / 5.0),
    ], axis=2)
    img += rng.normal(0, 6, img.shape)
    img[1:5, 1:7] = [230, 20, 20]
    img[height - 3:height - 1, 4:width - 2] = [20, 30, 220]
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


def png_chunk(ctype, body):
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def png_extras():
    out = os.path.join(HERE, "png")
    os.makedirs(out, exist_ok=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = os.path.join(out, "exif_orientation_6.png")
    test_picture().save(path, exif=exif)
    assert b"eXIf" in open(path, "rb").read()
    save_tensors({"exif_orientation_6": pillow_rgb(path)}, os.path.join(HERE, "png_extra_expected.safetensors"))

    # IHDR claims 100000 x 100000 8-bit RGB (30 GB decoded); the IDAT holds one filtered row only.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x80" * 30)
    with open(os.path.join(out, "huge_dimensions.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def cmyk_picture(width=23, height=17, seed=13):
    """A small CMYK picture as ink amounts (255 = full ink, Pillow's "CMYK" mode), with every ink
    varying independently -- black included, which Pillow's RGB -> CMYK conversion leaves at 0."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    ink = np.stack([
        255 * x / (width - 1),
        255 * y / (height - 1),
        128 + 100 * np.sin(x / 3.0 + y / 4.0),
        200 * ((x + y) % 7) / 6,
    ], axis=2)
    ink += rng.normal(0, 5, ink.shape)
    return np.clip(np.rint(ink), 0, 255).astype(np.uint8)


def adobe_transform(path):
    """The transform byte of the Adobe APP14 marker (0 CMYK/RGB, 1 YCbCr, 2 YCCK), or None."""
    data = open(path, "rb").read()
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] not in (0xD9, 0xDA):
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        body = data[pos + 4:pos + 2 + length]
        if data[pos + 1] == 0xEE and body.startswith(b"Adobe") and len(body) >= 12:
            return body[11]
        pos += 2 + length
    return None


def write_ycck_jpeg(path, ink, quality):
    """Compiles tools/write_ycck_jpeg.c and runs it on `ink` ([H, W, 4] uint8 ink amounts)."""
    compiler = shutil.which("cc")
    assert compiler, "a C compiler (cc) and libjpeg headers are needed to write the YCCK fixture"
    height, width, _ = ink.shape
    with tempfile.TemporaryDirectory() as tmp:
        tool = os.path.join(tmp, "write_ycck_jpeg")
        subprocess.run([compiler, "-O2", "-o", tool, os.path.join(HERE, "tools", "write_ycck_jpeg.c"), "-ljpeg"],
                       check=True)
        raw = os.path.join(tmp, "picture.cmyk")
        # The tool takes inverted (Adobe) samples, which is how Pillow itself stores CMYK in a JPEG.
        (255 - ink).tofile(raw)
        subprocess.run([tool, str(width), str(height), str(quality), raw, path], check=True)
    with Image.open(path) as im:
        assert im.mode == "CMYK" and im.size == (width, height), (im.mode, im.size)


def jpeg_fixtures():
    out = os.path.join(HERE, "jpeg")
    os.makedirs(out, exist_ok=True)
    picture = test_picture()
    odd = test_picture(23, 17, seed=11)  # odd width exercises the chroma edge handling
    files = {
        "baseline": (picture, dict(quality=90)),
        "progressive": (picture, dict(quality=90, progressive=True)),
        "grayscale": (picture.convert("L"), dict(quality=90)),
        "cmyk": (picture.convert("CMYK"), dict(quality=90)),
        "subsampling_420": (odd, dict(quality=85, subsampling=2)),
        "subsampling_422": (odd, dict(quality=85, subsampling=1)),
        "subsampling_444": (odd, dict(quality=85, subsampling=0)),
        "restart_markers": (picture, dict(quality=90, restart_marker_rows=1)),
    }
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        files[f"orientation_{orientation}"] = (picture, dict(quality=92, exif=exif))
    expected = {}
    for stem, (image, kwargs) in files.items():
        path = os.path.join(out, stem + ".jpg")
        image.save(path, "JPEG", **kwargs)
        expected[stem] = pillow_rgb(path)
    ycck = os.path.join(out, "ycck.jpg")
    write_ycck_jpeg(ycck, cmyk_picture(), quality=90)
    expected["ycck"] = pillow_rgb(ycck)
    assert adobe_transform(ycck) == 2, "ycck.jpg must carry an Adobe marker with transform 2 (YCCK)"
    assert adobe_transform(os.path.join(out, "cmyk.jpg")) == 0, "cmyk.jpg must be plain (untransformed) CMYK"
    assert b"\xff\xdd" in open(os.path.join(out, "restart_markers.jpg"), "rb").read(), "no DRI marker"
    assert b"Adobe" in open(os.path.join(out, "cmyk.jpg"), "rb").read(), "CMYK without Adobe marker"
    save_tensors(expected, os.path.join(HERE, "jpeg_expected.safetensors"))

    baseline = open(os.path.join(out, "baseline.jpg"), "rb").read()
    with open(os.path.join(out, "truncated.jpg"), "wb") as f:
        f.write(baseline[:len(baseline) * 6 // 10])


def bad_inputs():
    out = os.path.join(HERE, "bad")
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "empty.png"), "wb").close()
    with open(os.path.join(out, "random.jpg"), "wb") as f:
        f.write(np.random.default_rng(3).integers(0, 256, 512, dtype=np.uint8).tobytes())
    with open(os.path.join(out, "text.png"), "w") as f:
        f.write("This is a text file, not a PNG.\n")


if __name__ == "__main__":
    names, stored = pngsuite_expectations()
    png_extras()
    jpeg_fixtures()
    bad_inputs()
    print(f"pngsuite_expected.safetensors: {names} expectations in {stored} distinct tensors")
