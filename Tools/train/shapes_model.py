"""The shipped ShapesWorld detector: its configuration, the dense task that pretrains its backbone, and
the DETR loss with a location prior in the matcher.

Why this recipe (see Docs/models.md): plain DETR from scratch does not localise anything within hours
on 2 CPU cores. Three things make it converge here, and none changes the inference architecture:
1. the ResNet backbone is first trained on a dense CenterNet-style task (per-cell centre heat maps
   and absolute boxes) with trainable BatchNorm, whose statistics then become DETR's frozen BatchNorm;
2. there is one object query per cell of the 12x12 feature grid, its position embedding initialised
   to the sine embedding of that cell;
3. the Hungarian matcher adds the distance (in cells) between a query's cell and the object centre
   to the usual cost, so early in training the query of the centre cell takes the object — a stable
   assignment instead of DETR's notoriously unstable early matching.
"""
import math

import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from torch import nn
from transformers import AutoBackbone, DetrConfig, ResNetConfig

SHAPE_KINDS = ["circle", "square", "triangle", "pentagon", "hexagon", "star"]
IMAGE_SIZE = 192   # every image is resized to IMAGE_SIZE x IMAGE_SIZE (preprocessor_config.json)
STRIDE = 16        # output stride of the 3-stage backbone
GRID = IMAGE_SIZE // STRIDE


def id2label():
    """COCO category ids of ShapesWorld (1...6) as DETR label ids; id 0 is unused, as "N/A" ids are
    in the COCO DETR checkpoints, so vispipe's label id equals the category id."""
    return {0: "N/A", **{index + 1: name for index, name in enumerate(SHAPE_KINDS)}}


def backbone_config():
    return ResNetConfig(embedding_size=32, hidden_sizes=[32, 64, 128], depths=[2, 2, 2], layer_type="basic",
                        downsample_in_first_stage=False, out_features=["stage3"])


def detr_config():
    labels = id2label()
    return DetrConfig(
        use_timm_backbone=False, use_pretrained_backbone=False, backbone_config=backbone_config(),
        d_model=128, encoder_layers=0, decoder_layers=4, encoder_attention_heads=8, decoder_attention_heads=8,
        encoder_ffn_dim=512, decoder_ffn_dim=512, num_queries=GRID * GRID, dropout=0.0, attention_dropout=0.0,
        activation_dropout=0.0, auxiliary_loss=True, position_embedding_type="sine", activation_function="relu",
        id2label=labels, label2id={name: index for index, name in labels.items()})


class DenseShapesNet(nn.Module):
    """The backbone with trainable BatchNorm and a small head predicting, per feature cell, a centre
    heat map per shape kind and the absolute normalised box (cx, cy, w, h) of the object centred there."""

    def __init__(self):
        super().__init__()
        self.backbone = AutoBackbone.from_config(backbone_config())
        channels = self.backbone.channels[-1]
        self.head = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(channels, len(SHAPE_KINDS) + 4, 1))
        with torch.no_grad():
            self.head[-1].bias[:len(SHAPE_KINDS)].fill_(-2.19)  # CenterNet prior: p = 0.1

    def forward(self, pixels):
        features = self.backbone(pixels).feature_maps[-1]
        out = self.head(features)
        return out[:, :len(SHAPE_KINDS)], out[:, len(SHAPE_KINDS):].sigmoid()


def dense_targets(targets, grid=GRID):
    """Heat maps (B, K, g, g) with a Gaussian per object (exactly 1 at its centre cell), box targets
    (B, 4, g, g) and box weights (B, g, g): the Gaussian of the object that owns each cell."""
    batch = len(targets)
    heat = torch.zeros(batch, len(SHAPE_KINDS), grid, grid)
    boxes = torch.zeros(batch, 4, grid, grid)
    weight = torch.zeros(batch, grid, grid)
    centres = torch.arange(grid, dtype=torch.float32) + 0.5
    for row, (box_array, labels) in enumerate(targets):
        for box, label in zip(torch.from_numpy(box_array), torch.from_numpy(labels)):
            cx, cy = box[0] * grid, box[1] * grid
            sigma = max(0.5, 0.25 * math.sqrt(float(box[2] * box[3])) * grid)
            gauss = torch.exp(-((centres[None, :] - cx) ** 2 + (centres[:, None] - cy) ** 2) / (2 * sigma * sigma))
            ci, cj = min(int(cy), grid - 1), min(int(cx), grid - 1)
            gauss[ci, cj] = 1.0
            heat[row, label - 1] = torch.maximum(heat[row, label - 1], gauss)
            owns = gauss > weight[row]
            weight[row] = torch.where(owns, gauss, weight[row])
            boxes[row] = torch.where(owns[None], box[:, None, None].expand(4, grid, grid), boxes[row])
    weight = torch.where(weight > 0.3, weight, torch.zeros_like(weight))
    return heat, boxes, weight


def centre_focal_loss(logits, heat):
    """CenterNet's penalty-reduced focal loss, normalised by the number of objects."""
    probability = logits.sigmoid().clamp(1e-4, 1 - 1e-4)
    positive = heat.eq(1.0).float()
    positive_loss = -torch.log(probability) * (1 - probability) ** 2 * positive
    negative_loss = -torch.log(1 - probability) * probability ** 2 * (1 - heat) ** 4 * (1 - positive)
    return (positive_loss.sum() + negative_loss.sum()) / positive.sum().clamp(min=1.0)


def box_cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)


def generalized_iou(a, b):
    """Pairwise GIoU of xyxy boxes a (N, 4) and b (M, 4)."""
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    top_left = torch.max(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.min(a[:, None, 2:], b[None, :, 2:])
    intersection = (bottom_right - top_left).clamp(min=0).prod(-1)
    union = area_a[:, None] + area_b[None, :] - intersection
    iou = intersection / union.clamp(min=1e-9)
    enclosing = (torch.max(a[:, None, 2:], b[None, :, 2:]) - torch.min(a[:, None, :2], b[None, :, :2])).clamp(min=0).prod(-1)
    return iou - (enclosing - union) / enclosing.clamp(min=1e-9)


def dense_box_loss(predicted, boxes, weight):
    """Weighted L1 + GIoU on the cells near object centres."""
    mask = weight > 0
    if not mask.any():
        return predicted.sum() * 0
    p = predicted.permute(0, 2, 3, 1)[mask]
    t = boxes.permute(0, 2, 3, 1)[mask]
    w = weight[mask]
    l1 = (F.l1_loss(p, t, reduction="none").sum(-1) * w).sum() / w.sum()
    giou = torch.diag(generalized_iou(box_cxcywh_to_xyxy(p), box_cxcywh_to_xyxy(t)))
    return 5 * l1 + 2 * ((1 - giou) * w).sum() / w.sum()


def query_cell_centres(grid=GRID):
    """(g*g, 2) normalised (x, y) centre of each query's cell, row-major like the flattened feature map."""
    centres = (torch.arange(grid, dtype=torch.float32) + 0.5) / grid
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=-1)


@torch.no_grad()
def grid_position_embeddings(model, grid=GRID):
    """(g*g, d) DETR's sine position embedding of each feature cell, row-major like the flattened map."""
    mask = torch.ones(1, grid, grid, dtype=torch.bool)
    positions = model.model.position_embedding(shape=torch.Size([1, model.config.d_model, grid, grid]),
                                               device="cpu", dtype=torch.float32, mask=mask)
    return positions.flatten(2).transpose(1, 2)[0]


def initialise_grid_queries(model, grid=GRID):
    """Sets query i's position embedding to the sine position embedding of feature cell i."""
    with torch.no_grad():
        model.model.query_position_embeddings.weight.copy_(grid_position_embeddings(model, grid))


def initialise_positional_cross_attention(model, scale, grid=GRID):
    """Makes query i of the first decoder layer attend to feature cell i, so the decoder starts as a
    per-cell detector reading the pretrained backbone's features (which already encode centre heat
    maps and boxes) instead of DETR's uniform attention.

    The sine position embeddings of the grid vary along few directions (their variation has rank
    <= 2 x grid, and most of it lies in a handful of directions). Every head of the first cross-attention
    projects queries and keys onto those directions (at most head-size of them, those with a singular
    value above 1e-3 of the largest), scaled by `scale`; the input projection is restricted to their
    orthogonal complement so memory content cannot disturb the keys; the first self-attention outputs
    zero (biases zeroed) so the first cross-attention query is the position embedding alone. With no
    encoder layers the memory is the input projection itself. Training is free to move away from all
    of this."""
    d_model = model.config.d_model
    head_size = d_model // model.config.decoder_attention_heads
    with torch.no_grad():
        positions = grid_position_embeddings(model, grid)
        _, singular, varying = torch.linalg.svd(positions - positions.mean(0), full_matrices=False)
        directions = varying[:head_size][singular[:head_size] > singular[0] * 1e-3]
        complement = torch.eye(d_model) - directions.T @ directions
        projection = model.model.input_projection
        projection.weight.copy_((complement @ projection.weight.flatten(1)).view_as(projection.weight))
        projection.bias.copy_(complement @ projection.bias)
        head = torch.zeros(head_size, d_model)
        head[:len(directions)] = directions * scale
        first = model.model.decoder.layers[0]
        first.self_attn.v_proj.bias.zero_()
        first.self_attn.o_proj.bias.zero_()
        attention = first.encoder_attn
        attention.q_proj.weight.copy_(head.repeat(d_model // head_size, 1))
        attention.k_proj.weight.copy_(head.repeat(d_model // head_size, 1))
        attention.q_proj.bias.zero_()
        attention.k_proj.bias.zero_()
    return positions


class LocationPriorMatcher:
    """DETR's Hungarian matcher (class 1, L1 5, GIoU 2) plus `prior` x the distance in cells between a
    query's cell centre and the object's centre."""

    def __init__(self, prior=1.0, grid=GRID):
        self.prior = prior
        self.grid = grid
        self.cells = query_cell_centres(grid)

    @torch.no_grad()
    def __call__(self, logits, boxes, targets):
        matches = []
        probabilities = logits.softmax(-1)
        for row, (target_boxes, labels) in enumerate(targets):
            if len(labels) == 0:
                matches.append((torch.empty(0, dtype=torch.long), torch.empty(0, dtype=torch.long)))
                continue
            target_boxes = torch.from_numpy(target_boxes)
            labels = torch.from_numpy(labels)
            cost = (-probabilities[row][:, labels]
                    + 5 * torch.cdist(boxes[row], target_boxes, p=1)
                    - 2 * generalized_iou(box_cxcywh_to_xyxy(boxes[row]), box_cxcywh_to_xyxy(target_boxes))
                    + self.prior * self.grid * torch.cdist(self.cells, target_boxes[:, :2]))
            query_index, target_index = linear_sum_assignment(cost.numpy())
            matches.append((torch.as_tensor(query_index, dtype=torch.long), torch.as_tensor(target_index, dtype=torch.long)))
        return matches


def detr_set_loss(logits, boxes, targets, matcher, no_object_weight=0.1):
    """DETR's loss for one decoder layer: weighted cross-entropy over all queries (no-object weight
    0.1) + 5 L1 + 2 GIoU over matched queries, normalised by the number of objects."""
    batch, queries, classes = logits.shape
    matches = matcher(logits.detach(), boxes.detach(), targets)
    target_classes = torch.full((batch, queries), classes - 1, dtype=torch.long)
    matched_predicted, matched_targets = [], []
    for row, (query_index, target_index) in enumerate(matches):
        target_boxes, labels = targets[row]
        target_classes[row, query_index] = torch.from_numpy(labels)[target_index]
        matched_predicted.append(boxes[row, query_index])
        matched_targets.append(torch.from_numpy(target_boxes)[target_index])
    class_weight = torch.ones(classes)
    class_weight[-1] = no_object_weight
    class_loss = F.cross_entropy(logits.transpose(1, 2), target_classes, weight=class_weight)
    predicted = torch.cat(matched_predicted)
    wanted = torch.cat(matched_targets)
    count = max(len(wanted), 1)
    l1 = F.l1_loss(predicted, wanted, reduction="sum") / count
    giou = torch.diag(generalized_iou(box_cxcywh_to_xyxy(predicted), box_cxcywh_to_xyxy(wanted)))
    giou_loss = (1 - giou).sum() / count
    return class_loss + 5 * l1 + 2 * giou_loss, (class_loss.item(), l1.item(), giou_loss.item())
