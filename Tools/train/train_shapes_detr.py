"""Trains the default ShapesWorld detector shipped in Fixtures/models/shapes-detr/.

Reference environment: Fixtures/requirements.txt (torch 2.15.0, transformers 5.23.0, pycocotools). Data
comes from the Swift generator (`vispipe synth shapes`). Every phase is seeded, checkpoints atomically
into --work every few minutes and resumes from there when started again, so it can run in the background
across sessions:

    vispipe synth shapes --count 40000 --seed 1000 --out ../shapes-work/train
    vispipe synth shapes --count 300 --seed 2000 --out ../shapes-work/val
    python Tools/train/train_shapes_detr.py pretrain --work ../shapes-work > ../shapes-work/pretrain.log 2>&1
    python Tools/train/train_shapes_detr.py detr --work ../shapes-work > ../shapes-work/detr.log 2>&1
    python Tools/train/train_shapes_detr.py export --work ../shapes-work --out Fixtures/models/shapes-detr

`pretrain` trains the backbone on dense centre heat maps and boxes (trainable BatchNorm); `detr` builds
DetrForObjectDetection around it (BatchNorm frozen with the learned statistics), trains with the
location-prior matcher, evaluates COCO AP on the validation split every --eval-every steps and keeps the
best checkpoint; `export` writes the best one with save_pretrained plus preprocessor_config.json.
The shipped model ran `detr --freeze-backbone` first, then `detr --init-from <best> --dense-weight 1`
(everything trained, the pretraining loss kept on the backbone); Docs/models.md has the exact chain.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shapes_data  # noqa: E402
import shapes_model as sm  # noqa: E402


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def save_atomically(state, path):
    temporary = path.with_suffix(".tmp")
    torch.save(state, temporary)
    os.replace(temporary, path)


def learning_rate_factor(step, warmup, total):
    """Linear warm-up, then a cosine decay to 5% over the remaining steps."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * progress))


def train_loop(args, phase, model, parameter_groups, loss_of_batch, train, make_batch=None, evaluate=None):
    """The shared loop: seeded batches, AdamW, gradient clipping, atomic checkpoints every
    --checkpoint-minutes, resume from <work>/<phase>.pt, optional evaluation keeping <phase>-best.pt.
    `make_batch(indices, rng)` gives (inputs, targets); by default flipped pixels of `train`."""
    work = Path(args.work)
    checkpoint_path = work / f"{phase}.pt"
    make_batch = make_batch or (lambda indices, rng: shapes_data.augmented_batch(train, indices, rng))
    optimizer = torch.optim.AdamW(parameter_groups, weight_decay=1e-4)
    base_rates = [group["lr"] for group in optimizer.param_groups]
    step, best, cpu_seconds = 0, -1.0, 0.0
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, best, cpu_seconds = state["step"], state["best"], state["cpu_seconds"]
        log(f"{phase}: resumed at step {step} (best {best:.4f}, {cpu_seconds / 60:.1f} CPU-min so far)")
    rng = np.random.default_rng([args.seed, step])
    last_checkpoint = time.monotonic()
    window, window_start, window_cpu = [], time.monotonic(), time.process_time()

    def checkpoint():
        save_atomically({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                         "best": best, "cpu_seconds": cpu_seconds}, checkpoint_path)

    model.train()
    while step < args.steps:
        for group, rate in zip(optimizer.param_groups, base_rates):
            group["lr"] = rate * learning_rate_factor(step, args.warmup, args.steps)
        indices = rng.integers(0, len(train), args.batch)
        inputs, targets = make_batch(indices, rng)
        loss, parts = loss_of_batch(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        step += 1
        window.append([loss.item(), *parts])
        if step % args.log_every == 0:
            elapsed = time.monotonic() - window_start
            used = time.process_time() - window_cpu
            cpu_seconds += used
            means = " ".join(f"{value:.4f}" for value in np.mean(window, axis=0))
            log(f"{phase} step {step}/{args.steps} loss/parts {means} "
                f"{len(window) * args.batch / elapsed:.1f} img/s lr {optimizer.param_groups[0]['lr']:.2e}")
            window, window_start, window_cpu = [], time.monotonic(), time.process_time()
        if evaluate is not None and (step % args.eval_every == 0 or step == args.steps):
            model.eval()
            metrics = evaluate()
            model.train()
            log(f"{phase} step {step} eval {json.dumps(metrics)}")
            if metrics["AP"] > best:
                best = metrics["AP"]
                save_atomically({"model": model.state_dict(), "step": step, "metrics": metrics}, work / f"{phase}-best.pt")
                log(f"{phase} step {step}: new best AP {best:.4f}")
        if time.monotonic() - last_checkpoint > args.checkpoint_minutes * 60 or step == args.steps:
            checkpoint()
            last_checkpoint = time.monotonic()
    log(f"{phase}: finished {step} steps, {cpu_seconds / 60:.1f} CPU-min")


def pretrain(args):
    torch.manual_seed(args.seed)
    model = sm.DenseShapesNet()

    def loss_of_batch(pixels, targets):
        heat, boxes, weight = sm.dense_targets(targets)
        heat_logits, predicted_boxes = model(pixels)
        focal = sm.centre_focal_loss(heat_logits, heat)
        box = sm.dense_box_loss(predicted_boxes, boxes, weight)
        return focal + box, (focal.item(), box.item())

    train = shapes_data.ShapesSplit(Path(args.work) / "train", sm.IMAGE_SIZE)
    train_loop(args, "pretrain", model, [{"params": model.parameters(), "lr": args.lr}], loss_of_batch, train)


def build_detr(work, attention_scale):
    """DetrForObjectDetection with the pretrained backbone (BatchNorm statistics become the frozen
    BatchNorm buffers), grid-initialised queries and a first cross-attention that starts positional."""
    from transformers import DetrForObjectDetection

    model = DetrForObjectDetection(sm.detr_config())
    dense = sm.DenseShapesNet()
    dense.load_state_dict(torch.load(Path(work) / "pretrain.pt", weights_only=False)["model"])
    backbone_state = {key: value for key, value in dense.backbone.state_dict().items()
                      if not key.endswith("num_batches_tracked")}
    result = model.model.backbone.model.load_state_dict(backbone_state, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise SystemExit(f"backbone transfer: missing {result.missing_keys}, unexpected {result.unexpected_keys}")
    sm.initialise_grid_queries(model)
    sm.initialise_positional_cross_attention(model, attention_scale)
    # transformers freezes the HF-ResNet backbone entirely (its name filter expects timm names); the
    # pretrained backbone is fine-tuned at a lower learning rate instead.
    for parameter in model.model.backbone.parameters():
        parameter.requires_grad_(True)
    return model


def predictions_to_coco(logits, boxes, infos, top_k=100):
    """transformers' post_process_object_detection (softmax, best class except no-object) with the
    top_k queries kept, as COCO results in original pixel coordinates."""
    results = []
    probabilities = logits.softmax(-1)[..., :-1]
    scores, labels = probabilities.max(-1)
    for row, info in enumerate(infos):
        order = scores[row].argsort(descending=True)[:top_k]
        for query in order.tolist():
            cx, cy, w, h = boxes[row, query].tolist()
            width, height = info["width"], info["height"]
            results.append({"image_id": info["id"], "category_id": int(labels[row, query]),
                            "bbox": [(cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height],
                            "score": float(scores[row, query])})
    return results


def coco_metrics(annotation_file, results):
    """pycocotools' twelve numbers, rounded for the log."""
    from evaluate_run import pycocotools_stats

    return {name: round(value, 4) for name, value in pycocotools_stats(annotation_file, results).items()}


@torch.no_grad()
def evaluate_split(model, split, batch=50):
    results = []
    for start in range(0, len(split), batch):
        pixels = shapes_data.normalise(split.pixels[start:start + batch])
        output = model(pixel_values=pixels)
        results += predictions_to_coco(output.logits, output.pred_boxes, split.images_info[start:start + batch])
    return coco_metrics(split.folder / "instances.json", results)


@torch.no_grad()
def cached_backbone_features(model, split, cache, batch=100):
    """The (frozen) backbone's feature maps of every image of `split` as float16, computed once and
    kept in `cache` (delete it when pretrain.pt changes)."""
    if cache.exists():
        return np.load(cache, mmap_mode="r")
    backbone = model.model.backbone.model.eval()
    features = None
    for start in range(0, len(split), batch):
        maps = backbone(shapes_data.normalise(split.pixels[start:start + batch])).feature_maps[-1]
        if features is None:
            features = np.lib.format.open_memmap(cache.with_suffix(".tmp.npy"), mode="w+", dtype=np.float16,
                                                 shape=(len(split), *maps.shape[1:]))
        features[start:start + len(maps)] = maps.numpy().astype(np.float16)
        if start % 5000 == 0:
            log(f"backbone features {start}/{len(split)}")
    features.flush()
    os.replace(cache.with_suffix(".tmp.npy"), cache)
    return np.load(cache, mmap_mode="r")


def decoder_states_from_features(model, features):
    """DETR after the backbone: input projection, (encoder,) decoder; every decoder layer's output."""
    projected = model.model.input_projection(features).flatten(2).transpose(1, 2)
    return model.model(inputs_embeds=projected).intermediate_hidden_states


def detr(args):
    torch.manual_seed(args.seed)
    work = Path(args.work)
    model = build_detr(work, args.attention_scale)
    if args.dense_weight > 0:
        # The pretraining head stays on the backbone's feature map and keeps its dense loss, so the
        # backbone keeps the centres and boxes it learned while DETR's gradients fine-tune it.
        if args.freeze_backbone:
            raise SystemExit("--dense-weight needs a trainable backbone (drop --freeze-backbone)")
        dense = sm.DenseShapesNet()
        dense.load_state_dict(torch.load(work / "pretrain.pt", weights_only=False)["model"])
        model.dense_head = dense.head
    if args.init_from:  # e.g. a frozen-backbone run's detr-best.pt, to fine-tune everything together
        state = torch.load(args.init_from, weights_only=False)["model"]
        result = model.load_state_dict(state, strict=False)
        if result.unexpected_keys or any(not key.startswith("dense_head.") for key in result.missing_keys):
            raise SystemExit(f"--init-from: missing {result.missing_keys}, unexpected {result.unexpected_keys}")
    train = shapes_data.ShapesSplit(work / "train", sm.IMAGE_SIZE)
    validation = shapes_data.ShapesSplit(work / "val", sm.IMAGE_SIZE)
    matcher = sm.LocationPriorMatcher(prior=args.location_prior)
    make_batch = None
    if args.freeze_backbone:
        # The pretrained backbone stays as it is (fine-tuning it under the random heads' early
        # gradients destroyed its features); its feature maps are computed once. No flips then.
        for parameter in model.model.backbone.parameters():
            parameter.requires_grad_(False)
        features = cached_backbone_features(model, train, work / "train-features.npy")
        make_batch = lambda indices, rng: (torch.from_numpy(features[np.sort(indices)].astype(np.float32)),
                                           [(train.boxes[i], train.labels[i]) for i in np.sort(indices)])

    def loss_of_batch(inputs, targets):
        total, parts = 0.0, None
        if args.freeze_backbone:
            states = decoder_states_from_features(model, inputs)
        elif args.dense_weight > 0:
            features = model.model.backbone.model(inputs).feature_maps[-1]
            states = decoder_states_from_features(model, features)
            out = model.dense_head(features)
            heat, dense_boxes, weight = sm.dense_targets(targets)
            count = len(sm.SHAPE_KINDS)
            total = args.dense_weight * (sm.centre_focal_loss(out[:, :count], heat)
                                         + sm.dense_box_loss(out[:, count:].sigmoid(), dense_boxes, weight))
        else:
            states = model.model(pixel_values=inputs).intermediate_hidden_states
        for hidden in states:  # every decoder layer (auxiliary loss); the last is the output
            logits = model.class_labels_classifier(hidden)
            boxes = model.bbox_predictor(hidden).sigmoid()
            loss, parts = sm.detr_set_loss(logits, boxes, targets, matcher)
            total = total + loss
        return total, parts

    backbone = [p for n, p in model.named_parameters() if n.startswith("model.backbone.") and p.requires_grad]
    rest = [p for n, p in model.named_parameters() if not n.startswith("model.backbone.")]
    groups = [{"params": rest, "lr": args.lr}]
    if backbone:
        groups.append({"params": backbone, "lr": args.lr * args.backbone_lr_factor})
    train_loop(args, "detr", model, groups, loss_of_batch, train, make_batch,
               evaluate=lambda: evaluate_split(model, validation))


def export(args):
    from transformers import DetrForObjectDetection

    model = DetrForObjectDetection(sm.detr_config())
    best = torch.load(args.checkpoint or Path(args.work) / "detr-best.pt", weights_only=False)
    # a run with --dense-weight also saved its pretraining head, which is not part of the detector
    model.load_state_dict({key: value for key, value in best["model"].items() if not key.startswith("dense_head.")})
    # auxiliary_loss stays true: in transformers it also makes the decoder apply its final layer norm
    # between layers, so the model must be run as it was trained (vispipe follows the flag too).
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    preprocessor = {
        "do_convert_annotations": True, "do_normalize": True, "do_pad": True, "do_rescale": True,
        "do_resize": True, "format": "coco_detection", "image_mean": list(shapes_data.IMAGENET_MEAN),
        "image_processor_type": "DetrImageProcessor", "image_std": list(shapes_data.IMAGENET_STD),
        "resample": 2, "rescale_factor": 1 / 255, "size": {"height": sm.IMAGE_SIZE, "width": sm.IMAGE_SIZE}}
    (out / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2, sort_keys=True) + "\n")
    log(f"exported step {best['step']} ({json.dumps(best.get('metrics', 'not evaluated'))}) to {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["pretrain", "detr", "export"])
    parser.add_argument("--work", default="../shapes-work", help="data and checkpoints (outside the repository)")
    parser.add_argument("--out", default="Fixtures/models/shapes-detr", help="export folder")
    parser.add_argument("--checkpoint", help="export: this checkpoint instead of <work>/detr-best.pt (e.g. <work>/detr.pt, the last step)")
    parser.add_argument("--steps", type=int, help="total steps of the phase (pretrain 2400, detr 4200)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, help="peak learning rate (pretrain 1e-3, detr 2e-4)")
    parser.add_argument("--backbone-lr-factor", type=float, default=0.5)
    parser.add_argument("--location-prior", type=float, default=1.0)
    parser.add_argument("--init-from", help="detr: start from this checkpoint's weights (e.g. <work>/detr-best.pt)")
    parser.add_argument("--dense-weight", type=float, default=0.0,
                        help="detr: keep the pretraining head's dense loss on the backbone at this weight")
    parser.add_argument("--freeze-backbone", action="store_true",
                        help="keep the pretrained backbone fixed (its features are computed once)")
    parser.add_argument("--attention-scale", type=float, default=7.0,
                        help="initial sharpness of the first cross-attention (own-cell weight ~0.9 at 7)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--clip", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.phase == "pretrain":
        args.steps = args.steps or 2400
        args.lr = args.lr or 1e-3
        args.clip = max(args.clip, 1.0)
        pretrain(args)
    elif args.phase == "detr":
        args.steps = args.steps or 4200
        args.lr = args.lr or 2e-4
        detr(args)
    else:
        export(args)


if __name__ == "__main__":
    main()
