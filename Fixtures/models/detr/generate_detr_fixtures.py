"""Tiny DETR models and reference outputs for the VisModels DETR tests.

Run from the repository root with the pinned environment (transformers 5.23.0, timm 1.0.31,
torch 2.15.0):

    HF_HUB_OFFLINE=1 /work/venv/bin/python Fixtures/models/detr/generate_detr_fixtures.py

For every case this writes a model folder `Fixtures/models/detr/<case>/` exactly as
`DetrForObjectDetection.save_pretrained` writes it (config.json + model.safetensors) and one
`Fixtures/models/detr/<case>.expected.safetensors` with the inputs (`pixel_values`, `pixel_mask`)
and the reference outputs (`logits`, `pred_boxes`) of the model in eval mode.

Every parameter and buffer is moved away from its initial value before saving (batch-norm running
statistics are calibrated on the case's input and then perturbed, LayerNorm weights are not 1,
biases are not 0, ...), so that a loader that skips a tensor or folds a batch norm wrongly cannot
match the reference by accident.

Shrinking the timm backbone. transformers 5.23's `TimmBackbone` passes only `backbone`,
`out_indices`, `output_stride`, `features_only` and `num_channels` to `timm.create_model`; extra
keys of a `timm_backbone` config (`layers`, `channels`, ...) are kept in the config
and written to config.json, but not forwarded (transformers 4.x forwarded `backbone_kwargs`).
To get models of a few hundred KB, this script forwards those timm ResNet keyword arguments
(`TIMM_RESNET_KWARGS`) while it builds and while it reloads the models. A plain transformers 5.23
`from_pretrained` of a timm case would build the full-width network and refuse the checkpoint.
The HF-ResNet cases need no such help: `ResNetConfig` carries its widths and depths itself.
"""

import json
import math
import os
import shutil
import sys

import numpy as np
import timm
import torch
import transformers
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import DetrConfig, DetrForObjectDetection, ResNetConfig
from transformers.models.detr.modeling_detr import DetrFrozenBatchNorm2d
from transformers.models.timm_backbone import modeling_timm_backbone

assert transformers.__version__ == "5.23.0", transformers.__version__
assert timm.__version__ == "1.0.31", timm.__version__
assert torch.__version__.startswith("2.15.0"), torch.__version__

HERE = os.path.dirname(os.path.abspath(__file__))

# timm ResNet constructor arguments that a timm_backbone config may carry for the fixtures.
TIMM_RESNET_KWARGS = ("layers", "channels")

_original_timm_backbone_init = modeling_timm_backbone.TimmBackbone.__init__


def _timm_backbone_init_forwarding_kwargs(self, config, **kwargs):
    for key in TIMM_RESNET_KWARGS:
        value = getattr(config, key, None)
        if value is not None:
            kwargs.setdefault(key, tuple(value) if isinstance(value, list) else value)
    _original_timm_backbone_init(self, config, **kwargs)


modeling_timm_backbone.TimmBackbone.__init__ = _timm_backbone_init_forwarding_kwargs


def timm_backbone(name, layers, channels, output_stride=None):
    # (timm's plain 7x7 stem is 64 wide whatever `stem_width` says, so the stem is not shrunk.)
    config = {"model_type": "timm_backbone", "backbone": name, "out_indices": [1, 2, 3, 4],
              "layers": layers, "channels": channels}
    if output_stride is not None:
        config["output_stride"] = output_stride
    return config


def transformer(d_model=16, heads=4, encoder_layers=2, decoder_layers=2, ffn=24, queries=100, **extra):
    return dict(d_model=d_model, encoder_attention_heads=heads, decoder_attention_heads=heads,
                encoder_layers=encoder_layers, decoder_layers=decoder_layers,
                encoder_ffn_dim=ffn, decoder_ffn_dim=ffn + 8, num_queries=queries, **extra)


# name -> (DetrConfig kwargs, image sizes (H, W) of the batch)
CASES = {
    # (a) resnet50-style bottlenecks with timm names; 100 queries and the default 2 labels
    # (save_pretrained then writes no id2label at all).
    "timm_bottleneck": (dict(backbone_config=timm_backbone("resnet50", [1, 2, 2, 1], [4, 8, 8, 16]),
                             **transformer()), [(64, 80)]),
    # (b) HF ResNet bottlenecks, stride on the first 1x1 (downsample_in_bottleneck).
    "hf_resnet_bottleneck": (dict(backbone_config=ResNetConfig(
        embedding_size=8, hidden_sizes=[16, 16, 32, 32], depths=[1, 2, 1, 1], layer_type="bottleneck",
        downsample_in_bottleneck=True, out_features=["stage4"]).to_dict(),
        **transformer(encoder_layers=1)), [(72, 96)]),
    # (b2) HF ResNet basic blocks, stride 2 in the first stage too (output stride 64).
    "hf_resnet_basic": (dict(backbone_config=ResNetConfig(
        embedding_size=8, hidden_sizes=[8, 16, 16, 24], depths=[2, 1, 1, 1], layer_type="basic",
        downsample_in_first_stage=True, out_features=["stage1", "stage4"]).to_dict(),
        **transformer(encoder_layers=1, decoder_layers=1, queries=12)), [(128, 96)]),
    # (c) resnet18/34-style basic blocks with timm names (identity shortcut in layer1).
    "timm_basic": (dict(backbone_config=timm_backbone("resnet18", [2, 1, 1, 2], [8, 8, 16, 16]),
                        **transformer(encoder_layers=1, queries=20)), [(96, 72)]),
    # (d) DC5: dilation instead of stride in the last stage (timm output_stride 16).
    "timm_dc5": (dict(backbone_config=timm_backbone("resnet50", [1, 1, 1, 2], [4, 8, 8, 8], output_stride=16),
                      dilation=True, **transformer(encoder_layers=1, queries=15)), [(64, 72)]),
    # (e) a padded batch of two differently sized images, with the model of case (a).
    "timm_bottleneck_batch": (None, [(64, 80), (96, 72)]),
    # (f) 7 queries, 5 named labels, GELU feed-forward.
    "queries7_labels5_gelu": (dict(backbone_config=timm_backbone("resnet34", [1, 1, 1, 1], [8, 8, 8, 16]),
                                   id2label={0: "cat", 1: "dog", 2: "N/A", 3: "car", 4: "tree"},
                                   activation_function="gelu", **transformer(heads=2, queries=7)), [(80, 64)]),
}


def batch_inputs(sizes, generator):
    """Random images padded bottom/right into one batch with its pixel mask (1 = real pixel).
    Pixel values are rounded to float16 so that they can be stored as F16 (half the bytes) and
    still be exactly the values the reference ran on."""
    height = max(h for h, _ in sizes)
    width = max(w for _, w in sizes)
    pixels = torch.zeros(len(sizes), 3, height, width)
    mask = torch.zeros(len(sizes), height, width, dtype=torch.int64)
    singles = []
    for i, (h, w) in enumerate(sizes):
        image = torch.randn(3, h, w, generator=generator).half().float()
        pixels[i, :, :h, :w] = image
        mask[i, :h, :w] = 1
        singles.append(image[None])
    return pixels, mask, singles


def calibrate_and_perturb_batch_norms(model, pixels, mask, generator):
    """Sets every frozen batch norm's statistics near the statistics of its actual input (so that
    activations stay well scaled through a randomly initialised backbone), then perturbs them and
    the affine parameters away from any init value."""
    def pre_hook(module, inputs):
        x = inputs[0]
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3), unbiased=False)
        n = mean.numel()
        noise = lambda: torch.randn(n, generator=generator)
        module.running_mean.copy_(mean + 0.1 * var.sqrt() * noise() + 0.01)
        module.running_var.copy_(var * (0.7 + 0.6 * torch.rand(n, generator=generator)) + 0.05)
        module.weight.copy_(0.6 + 0.8 * torch.rand(n, generator=generator))
        module.bias.copy_(0.2 * noise())

    handles = [m.register_forward_pre_hook(pre_hook) for m in model.modules() if isinstance(m, DetrFrozenBatchNorm2d)]
    assert handles, "no frozen batch norm found"
    with torch.no_grad():
        model(pixel_values=pixels, pixel_mask=mask)
    for h in handles:
        h.remove()


def perturb_transformer_and_heads(model, generator):
    """Linear weights ~ N(0, 1/fan_in) (q/k larger, so attention is far from uniform), biases,
    LayerNorms, query embeddings, the input projection and the backbone convolutions all moved."""
    with torch.no_grad():
        for name, module in model.named_modules():
            if name.startswith("model.backbone"):
                if isinstance(module, torch.nn.Conv2d):
                    module.weight.mul_(1 + 0.2 * torch.randn(module.weight.shape, generator=generator))
                continue
            if isinstance(module, torch.nn.Linear):
                gain = 2.0 if name.endswith(("q_proj", "k_proj")) else 1.0
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * gain / math.sqrt(module.in_features))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
            elif isinstance(module, torch.nn.LayerNorm):
                module.weight.copy_(1 + 0.3 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
            elif isinstance(module, torch.nn.Embedding):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator))
            elif isinstance(module, torch.nn.Conv2d):  # input_projection
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) / math.sqrt(module.weight[0].numel()))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))


def run(model, pixels, mask):
    with torch.no_grad():
        out = model(pixel_values=pixels, pixel_mask=mask)
    return out.logits.contiguous(), out.pred_boxes.contiguous()


def build_case(name, config_kwargs, sizes, seed):
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    config = DetrConfig(**config_kwargs)
    model = DetrForObjectDetection(config).eval()
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    pixels, mask, singles = batch_inputs(sizes, generator)
    perturb_transformer_and_heads(model, generator)
    calibrate_and_perturb_batch_norms(model, pixels, mask, generator)
    for key, value in model.state_dict().items():
        unchanged = (value == initial[key]).sum().item()
        assert unchanged == 0, f"{name}: {key} keeps {unchanged} of {value.numel()} initial values"

    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder)
    return model, folder, pixels, mask


def check_round_trip(model, folder, pixels, mask, logits, boxes):
    """The saved folder reloads (with the timm kwargs forwarded) to the same tensors and outputs."""
    reloaded = DetrForObjectDetection.from_pretrained(folder).eval()
    saved = model.state_dict()
    for key, value in reloaded.state_dict().items():
        assert torch.equal(value, saved[key]), f"{folder}: {key} differs after reload"
    again_logits, again_boxes = run(reloaded, pixels, mask)
    assert torch.equal(again_logits, logits) and torch.equal(again_boxes, boxes), f"{folder}: outputs differ after reload"
    with safe_open(os.path.join(folder, "model.safetensors"), "pt") as f:
        keys = list(f.keys())
    return keys


def write_expected(name, tensors):
    path = os.path.join(HERE, f"{name}.expected.safetensors")
    save_file({k: (v.half() if "pixel" in k else v).contiguous() for k, v in tensors.items()}, path)
    return path


def main():
    torch.set_num_threads(1)
    report = {}
    models = {}
    for index, (name, (config_kwargs, sizes)) in enumerate(CASES.items()):
        seed = 1000 + index
        if config_kwargs is None:  # the batch case reuses the model of case (a)
            model, folder = models["timm_bottleneck"]
            generator = torch.Generator().manual_seed(seed)
            pixels, mask, singles = batch_inputs(sizes, generator)
        else:
            model, folder, pixels, mask = build_case(name, config_kwargs, sizes, seed)
            models[name] = (model, folder)
        logits, boxes = run(model, pixels, mask)
        tensors = {"pixel_values": pixels, "pixel_mask": mask.to(torch.float32), "logits": logits, "pred_boxes": boxes}
        if config_kwargs is None:
            for i, single in enumerate(singles):
                single_mask = torch.ones(1, single.shape[2], single.shape[3], dtype=torch.int64)
                s_logits, s_boxes = run(model, single, single_mask)
                tensors[f"single{i}_pixel_values"] = single
                tensors[f"single{i}_logits"] = s_logits
                tensors[f"single{i}_pred_boxes"] = s_boxes
                gap = (s_logits[0] - logits[i]).abs().max().item() / logits[i].abs().max().item()
                report[f"{name}: padded vs unpadded image {i} (torch), max rel logits gap"] = gap
        else:
            keys = check_round_trip(model, folder, pixels, mask, logits, boxes)
            size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
            assert size < 2_000_000, f"{folder} is {size} bytes"
            report[f"{name}: folder bytes"] = size
            report[f"{name}: tensors"] = len(keys)
        write_expected(name, tensors)
        report[f"{name}: logits {list(logits.shape)} max |.|"] = logits.abs().max().item()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.exit(main())
