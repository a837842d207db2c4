"""Writes one tiny random DETR's weights in every checkpoint layout vispipe reads.

Run from the repository root with the pinned environment (Fixtures/requirements.txt):
    ../venv/bin/python Fixtures/models/detr/generate_layout_fixtures.py

The model is a DetrForObjectDetection (transformers 5.23.0) with 1 input channel, d_model 16, one encoder and one
decoder layer, 5 queries, 3 classes, and a timm "resnet50" backbone shrunk to bottleneck stages of
depth (1, 2, 1, 1) and widths (2, 2, 4, 4) (outputs 8, 8, 16, 16 channels). Every parameter and
batch-norm statistic is redrawn at random so that a wrong mapping cannot pass by accident.

Outputs (Fixtures/models/detr/layouts/<layout>/, each a model folder holding `model.safetensors` of about
65 KB and the `config.json` that describes the model):
- hub/: what `save_pretrained` writes (the canonical names; the reference for the tests).
- transformers5/: `model.state_dict()` of the same model in memory (transformers 5 names:
  `model.backbone.model.*`, `o_proj`, `layers.N.mlp.fc1`).
- original/: the same weights under the facebookresearch/detr names (`backbone.0.body.*`,
  `transformer.*` with q/k/v stacked into `in_proj_weight`/`in_proj_bias`, `linear1`, `norm1`, …),
  plus int64 `num_batches_tracked` buffers as torchvision-initialised checkpoints carry them.
- hf_resnet_hub/ and hf_resnet_transformers5/: the same weights in a DETR whose backbone is an HF
  `ResNetConfig` (saved file and in-memory names). The script checks that this model's outputs
  equal the timm-backbone model's, so the HF-ResNet -> timm name mapping is verified by
  computation, not only by names.
- expected.safetensors: `pixel_values` [2, 1, 32, 64], `pixel_mask` [2, 32, 64] (the second image
  padded on the right) and the timm model's `logits` and `pred_boxes` for them.

The timm models' config.json is what `save_pretrained` writes plus the shrunk ResNet's `layers` and
`channels` in `backbone_config` (transformers 5.23 keeps such keys in the file but does not forward
them to timm; vispipe reads them, as in generate_detr_fixtures.py).

Every file, renamed to canonical names, must equal hub.safetensors tensor for tensor.
"""
import re
import shutil
import tempfile
from pathlib import Path

import timm
import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import DetrConfig, DetrForObjectDetection, ResNetConfig

assert transformers.__version__ == "5.23.0", transformers.__version__
assert timm.__version__ == "1.0.31", timm.__version__

OUT = Path(__file__).resolve().parent / "layouts"
DEPTHS = (1, 2, 1, 1)
BOTTLENECK_WIDTHS = (2, 2, 4, 4)  # timm `channels`; outputs are 4x these
# One input channel keeps the fixed 64-channel 7x7 stem convolution (the largest tensor) small.
TRANSFORMER = dict(num_channels=1, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                   decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=5, num_labels=3)


def timm_tiny_detr() -> DetrForObjectDetection:
    # TimmBackbone passes no model kwargs through its config, so shrink the ResNet at creation time.
    create_model = timm.create_model

    def shrunk(name, **kwargs):
        kwargs.update(layers=DEPTHS, channels=BOTTLENECK_WIDTHS)
        return create_model(name, **kwargs)

    timm.create_model = shrunk
    try:
        return DetrForObjectDetection(DetrConfig(backbone="resnet50", use_timm_backbone=True, **TRANSFORMER)).eval()
    finally:
        timm.create_model = create_model


def hf_resnet_tiny_detr() -> DetrForObjectDetection:
    backbone = ResNetConfig(num_channels=1, embedding_size=64, hidden_sizes=[4 * w for w in BOTTLENECK_WIDTHS], depths=list(DEPTHS),
                            layer_type="bottleneck", out_features=["stage4"])
    return DetrForObjectDetection(DetrConfig(backbone_config=backbone, use_timm_backbone=False, **TRANSFORMER)).eval()


def randomise(model: torch.nn.Module) -> None:
    with torch.no_grad():
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if not tensor.is_floating_point():
                continue
            if name.endswith("running_var"):
                tensor.uniform_(0.5, 1.5)
            else:
                tensor.normal_(0.0, 0.5)


def saved_file(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The tensors `save_pretrained` writes."""
    with tempfile.TemporaryDirectory() as directory:
        model.save_pretrained(directory)
        return load_file(str(Path(directory) / "model.safetensors"))


def write_model(name: str, tensors: dict[str, torch.Tensor], config) -> None:
    """A model folder: the tensors as model.safetensors beside config.json."""
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "model.safetensors"))
    config.save_pretrained(str(folder))


def in_memory(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


# MARK: timm <-> HF ResNet names (the script's own statement of the mapping, checked by running both models)

def timm_to_hf_resnet(name: str) -> str:
    if m := re.fullmatch(r"conv1\.weight", name):
        return "embedder.embedder.convolution.weight"
    if m := re.fullmatch(r"bn1\.(\w+)", name):
        return f"embedder.embedder.normalization.{m[1]}"
    if m := re.fullmatch(r"layer(\d)\.(\d+)\.conv(\d)\.weight", name):
        return f"encoder.stages.{int(m[1]) - 1}.layers.{m[2]}.layer.{int(m[3]) - 1}.convolution.weight"
    if m := re.fullmatch(r"layer(\d)\.(\d+)\.bn(\d)\.(\w+)", name):
        return f"encoder.stages.{int(m[1]) - 1}.layers.{m[2]}.layer.{int(m[3]) - 1}.normalization.{m[4]}"
    if m := re.fullmatch(r"layer(\d)\.(\d+)\.downsample\.0\.weight", name):
        return f"encoder.stages.{int(m[1]) - 1}.layers.{m[2]}.shortcut.convolution.weight"
    if m := re.fullmatch(r"layer(\d)\.(\d+)\.downsample\.1\.(\w+)", name):
        return f"encoder.stages.{int(m[1]) - 1}.layers.{m[2]}.shortcut.normalization.{m[3]}"
    raise KeyError(name)


# MARK: canonical -> facebookresearch/detr names (models/detr.py, transformer.py, backbone.py)

def to_original(hub: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    rules = [
        (r"model\.backbone\.conv_encoder\.model\.(.+)", r"backbone.0.body.\1"),
        (r"model\.input_projection\.(\w+)", r"input_proj.\1"),
        (r"model\.query_position_embeddings\.weight", r"query_embed.weight"),
        (r"class_labels_classifier\.(\w+)", r"class_embed.\1"),
        (r"bbox_predictor\.layers\.(\d+)\.(\w+)", r"bbox_embed.layers.\1.\2"),
        (r"model\.decoder\.layernorm\.(\w+)", r"transformer.decoder.norm.\1"),
        (r"model\.(encoder|decoder)\.layers\.(\d+)\.self_attn\.out_proj\.(\w+)", r"transformer.\1.layers.\2.self_attn.out_proj.\3"),
        (r"model\.decoder\.layers\.(\d+)\.encoder_attn\.out_proj\.(\w+)", r"transformer.decoder.layers.\1.multihead_attn.out_proj.\2"),
        (r"model\.(encoder|decoder)\.layers\.(\d+)\.fc(\d)\.(\w+)", r"transformer.\1.layers.\2.linear\3.\4"),
        (r"model\.(encoder|decoder)\.layers\.(\d+)\.self_attn_layer_norm\.(\w+)", r"transformer.\1.layers.\2.norm1.\3"),
        (r"model\.decoder\.layers\.(\d+)\.encoder_attn_layer_norm\.(\w+)", r"transformer.decoder.layers.\1.norm2.\2"),
        (r"model\.encoder\.layers\.(\d+)\.final_layer_norm\.(\w+)", r"transformer.encoder.layers.\1.norm2.\2"),
        (r"model\.decoder\.layers\.(\d+)\.final_layer_norm\.(\w+)", r"transformer.decoder.layers.\1.norm3.\2"),
    ]
    out: dict[str, torch.Tensor] = {}
    stacked: dict[str, dict[str, torch.Tensor]] = {}
    for name, tensor in hub.items():
        if m := re.fullmatch(r"model\.(encoder|decoder)\.layers\.(\d+)\.(self_attn|encoder_attn)\.([qkv])_proj\.(weight|bias)", name):
            module = "self_attn" if m[3] == "self_attn" else "multihead_attn"
            key = f"transformer.{m[1]}.layers.{m[2]}.{module}.in_proj_{m[5]}"
            stacked.setdefault(key, {})[m[4]] = tensor
            continue
        for pattern, replacement in rules:
            if re.fullmatch(pattern, name):
                out[re.sub(pattern, replacement, name)] = tensor
                break
        else:
            raise KeyError(f"no original-layout name for {name}")
    for key, parts in stacked.items():
        # nn.MultiheadAttention stacks q, k, v in this order along dim 0.
        out[key] = torch.cat([parts["q"], parts["k"], parts["v"]], dim=0).contiguous()
    for name in list(out):
        if name.startswith("backbone.0.body.") and name.endswith(".running_mean"):
            out[name[: -len("running_mean")] + "num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)
    return out


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)

    timm_model = timm_tiny_detr()
    # The shrunk ResNet's arguments, for config.json (they change no weight).
    timm_model.config.backbone_config.layers = list(DEPTHS)
    timm_model.config.backbone_config.channels = list(BOTTLENECK_WIDTHS)
    randomise(timm_model)
    hub = saved_file(timm_model)
    assert "model.backbone.conv_encoder.model.layer1.0.conv3.weight" in hub and "model.encoder.layers.0.fc1.weight" in hub
    write_model("hub", hub, timm_model.config)
    write_model("transformers5", in_memory(timm_model), timm_model.config)
    write_model("original", to_original(hub), timm_model.config)

    # The same weights in an HF-ResNet-backbone DETR, loaded through the inverse of the name mapping.
    hf_model = hf_resnet_tiny_detr()
    prefix = "model.backbone.model."
    state = {(prefix + timm_to_hf_resnet(k[len(prefix):]) if k.startswith(prefix) else k): v
             for k, v in timm_model.state_dict().items()}
    hf_model.load_state_dict(state, strict=True)
    pixels = torch.randn(2, 1, 64, 96)
    mask = torch.ones(2, 64, 96, dtype=torch.int64)
    mask[1, :, 70:] = 0
    with torch.no_grad():
        a, b = timm_model(pixel_values=pixels, pixel_mask=mask), hf_model(pixel_values=pixels, pixel_mask=mask)
    for field in ("logits", "pred_boxes"):
        diff = (getattr(a, field) - getattr(b, field)).abs().max().item()
        assert diff < 1e-5, f"HF-ResNet and timm backbones disagree on {field}: {diff}"
        print(f"timm vs HF-ResNet backbone, max |Δ {field}| = {diff:.2e}")
    write_model("hf_resnet_hub", saved_file(hf_model), hf_model.config)
    write_model("hf_resnet_transformers5", in_memory(hf_model), hf_model.config)

    # A small reference run, for loading every layout as a whole model.
    pixels = torch.randn(2, 1, 32, 64)
    mask = torch.ones(2, 32, 64, dtype=torch.int64)
    mask[1, :, 40:] = 0
    with torch.no_grad():
        out = timm_model(pixel_values=pixels, pixel_mask=mask)
    save_file({"pixel_values": pixels.contiguous(), "pixel_mask": mask.float().contiguous(),
               "logits": out.logits.contiguous(), "pred_boxes": out.pred_boxes.contiguous()},
              str(OUT / "expected.safetensors"))

    for path in sorted(OUT.glob("**/*")):
        if path.is_file():
            extra = f", {len(load_file(str(path)))} tensors" if path.suffix == ".safetensors" else ""
            print(f"{path.relative_to(OUT)}: {path.stat().st_size} bytes{extra}")


if __name__ == "__main__":
    main()
