"""Reference fixtures for VisTensor's core operations (Tests/VisTensorTests).

Writes Fixtures/ops/core.safetensors: for every op and variant, the inputs and parameters plus
PyTorch's output, all float32. The parameters of each case (stride, axis, eps, ...) are stored as
JSON in the file's metadata under "cases.<family>", so the Swift tests read them instead of
repeating them.

Re-run from the repository root with the pinned reference environment:
    /work/venv/bin/python Fixtures/ops/generate_ops_core.py
or with any venv made from Fixtures/requirements.txt. Tensor values are deterministic (seeded, CPU);
the header's key order can differ between runs, so the bytes may change without any value changing.
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(20240611)
torch.set_num_threads(1)

tensors = {}
cases = {}


def put(name, tensor):
    tensors[name] = tensor.detach().to(torch.float32).contiguous().clone()


def case(family, **fields):
    cases.setdefault(family, []).append(fields)
    return fields["name"]


def randn(*shape, scale=1.0, shift=0.0):
    return torch.randn(*shape) * scale + shift


# --- linear -------------------------------------------------------------------------------------
for name, x_shape, out_features, has_bias in [
    ("2d_bias", (3, 5), 4, True),
    ("2d_nobias", (3, 5), 4, False),
    ("3d_bias", (2, 3, 5), 6, True),
    ("3d_nobias", (2, 3, 7), 4, False),
    ("4d_bias", (2, 2, 3, 4), 5, True),
]:
    x = randn(*x_shape)
    w = randn(out_features, x_shape[-1], scale=0.5)
    b = randn(out_features) if has_bias else None
    put(f"linear.{name}.x", x)
    put(f"linear.{name}.weight", w)
    if has_bias:
        put(f"linear.{name}.bias", b)
    put(f"linear.{name}.out", F.linear(x, w, b))
    case("linear", name=name, bias=has_bias)

# --- matmul -------------------------------------------------------------------------------------
for name, a_shape, b_shape, transpose_b in [
    ("2d", (3, 4), (4, 5), False),
    ("2d_transposeB", (3, 4), (5, 4), True),
    ("3d", (2, 3, 4), (2, 4, 5), False),
    ("3d_transposeB", (2, 3, 4), (2, 5, 4), True),
    ("3d_shared_b", (2, 3, 4), (4, 5), False),
    ("3d_shared_a", (3, 4), (2, 4, 5), False),
    ("4d", (2, 3, 4, 6), (2, 3, 6, 5), False),
    ("4d_transposeB", (2, 3, 4, 6), (2, 3, 5, 6), True),
]:
    a = randn(*a_shape)
    b = randn(*b_shape)
    put(f"matmul.{name}.a", a)
    put(f"matmul.{name}.b", b)
    put(f"matmul.{name}.out", torch.matmul(a, b.transpose(-1, -2) if transpose_b else b))
    case("matmul", name=name, transposeB=transpose_b)

def conv2d_case(name, x_shape, oc, kernel, stride, padding, dilation, groups, has_bias, relu, has_residual):
    cg = x_shape[1] // groups
    x = randn(*x_shape)
    w = randn(oc, cg, *kernel, scale=0.3)
    b = randn(oc) if has_bias else None
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    if has_residual:
        residual = randn(*y.shape)
        put(f"conv2d.{name}.residual", residual)
        y = y + residual
    if relu:
        y = F.relu(y)
    put(f"conv2d.{name}.x", x)
    put(f"conv2d.{name}.weight", w)
    if has_bias:
        put(f"conv2d.{name}.bias", b)
    put(f"conv2d.{name}.out", y)
    case("conv2d", name=name, stride=list(stride), padding=list(padding), dilation=list(dilation),
         groups=groups, bias=has_bias, relu=relu, residual=has_residual)


# --- conv2d -------------------------------------------------------------------------------------
# Cases that also add a residual of the output's shape before the ReLU (ResNet's skip connection):
# one per algorithm (im2col, pointwise GEMM, depthwise, Winograd forced and chosen).
CONV_RESIDUAL_CASES = {"odd_batch2_s2x1_relu", "1x1_s1_residual_relu", "depthwise", "3x3_pad1x0", "3x3_32ch_relu"}
# (name, input shape, out channels, kernel (h, w), stride, padding, dilation, groups, bias, relu)
for name, x_shape, oc, kernel, stride, padding, dilation, groups, has_bias, relu in [
    ("3x3_pad1", (1, 3, 8, 8), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, False),
    ("3x3_pad1_relu", (1, 3, 8, 8), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, True),
    ("1x1_s1_batch2", (2, 6, 5, 7), 5, (1, 1), (1, 1), (0, 0), (1, 1), 1, True, False),
    ("1x1_s1_nobias_relu", (1, 4, 6, 6), 8, (1, 1), (1, 1), (0, 0), (1, 1), 1, False, True),
    ("1x1_s1_residual_relu", (1, 6, 5, 6), 8, (1, 1), (1, 1), (0, 0), (1, 1), 1, True, True),
    ("1x1_s1_264ch_relu", (1, 2, 2, 2), 264, (1, 1), (1, 1), (0, 0), (1, 1), 1, True, True),
    ("1x1_s1_groups2_relu", (1, 4, 5, 5), 6, (1, 1), (1, 1), (0, 0), (1, 1), 2, True, True),
    ("1x1_s2", (1, 4, 7, 7), 6, (1, 1), (2, 2), (0, 0), (1, 1), 1, True, False),
    ("7x7_s2_p3", (1, 3, 13, 11), 4, (7, 7), (2, 2), (3, 3), (1, 1), 1, False, True),
    ("3x3_dilation2", (1, 3, 9, 9), 4, (3, 3), (1, 1), (2, 2), (2, 2), 1, True, False),
    ("3x3_groups2", (1, 4, 7, 6), 6, (3, 3), (1, 1), (1, 1), (1, 1), 2, True, False),
    ("depthwise", (2, 4, 7, 7), 4, (3, 3), (1, 1), (1, 1), (1, 1), 4, True, True),
    ("depthwise_s2_multiplier2", (1, 3, 8, 9), 6, (3, 3), (2, 2), (1, 1), (1, 1), 3, False, False),
    ("odd_batch2_s2x1_relu", (2, 3, 9, 7), 5, (3, 3), (2, 1), (1, 0), (1, 1), 1, True, True),
    ("3x2_kernel_nobias", (1, 2, 6, 8), 3, (3, 2), (1, 1), (1, 0), (1, 1), 1, False, False),
    ("5x5_s3_p2", (1, 2, 11, 10), 3, (5, 5), (3, 3), (2, 2), (1, 1), 1, True, False),
    # 3x3 stride 1: the Winograd path (forced by the tests on the small ones; 32 channels choose it
    # by default). Odd output sizes leave half-used 2x2 tiles at the right and bottom edges.
    ("3x3_odd_batch2_nobias", (2, 5, 7, 9), 6, (3, 3), (1, 1), (1, 1), (1, 1), 1, False, False),
    ("3x3_pad0_relu", (1, 4, 8, 7), 5, (3, 3), (1, 1), (0, 0), (1, 1), 1, True, True),
    ("3x3_pad1x0", (1, 3, 6, 9), 4, (3, 3), (1, 1), (1, 0), (1, 1), 1, True, False),
    ("3x3_pad2", (1, 3, 5, 5), 3, (3, 3), (1, 1), (2, 2), (1, 1), 1, True, True),
    ("3x3_32ch_relu", (1, 32, 6, 7), 32, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, True),
]:
    conv2d_case(name, x_shape, oc, kernel, stride, padding, dilation, groups, has_bias, relu,
                name in CONV_RESIDUAL_CASES)

# --- conv + batch norm folding ------------------------------------------------------------------
# Reference: the unfolded graph, conv followed by an eval-mode BatchNorm2d with perturbed stats.
for name, x_shape, oc, kernel, stride, padding, has_bias, eps in [
    ("3x3_nobias", (1, 3, 7, 7), 5, 3, 1, 1, False, 1e-5),
    ("1x1_bias", (2, 4, 5, 5), 6, 1, 1, 0, True, 1e-5),
    ("3x3_s2_eps1e-3", (1, 3, 8, 8), 4, 3, 2, 1, True, 1e-3),
]:
    conv = torch.nn.Conv2d(x_shape[1], oc, kernel, stride=stride, padding=padding, bias=has_bias)
    bn = torch.nn.BatchNorm2d(oc, eps=eps)
    with torch.no_grad():
        bn.weight.copy_(randn(oc, scale=0.5, shift=1.0))
        bn.bias.copy_(randn(oc, scale=0.5))
        bn.running_mean.copy_(randn(oc, scale=0.5))
        bn.running_var.copy_(torch.rand(oc) * 2 + 0.1)
    bn.eval()
    x = randn(*x_shape)
    with torch.no_grad():
        y = bn(conv(x))
    put(f"fold.{name}.x", x)
    put(f"fold.{name}.weight", conv.weight)
    if has_bias:
        put(f"fold.{name}.bias", conv.bias)
    put(f"fold.{name}.bn_weight", bn.weight)
    put(f"fold.{name}.bn_bias", bn.bias)
    put(f"fold.{name}.bn_mean", bn.running_mean)
    put(f"fold.{name}.bn_var", bn.running_var)
    put(f"fold.{name}.out", y)
    case("fold", name=name, stride=stride, padding=padding, bias=has_bias, eps=eps)

# --- pooling ------------------------------------------------------------------------------------
# Max pool inputs are shifted negative so that a zero (instead of -inf) padding would show.
for name, x_shape, kernel, stride, padding, dilation, ceil in [
    ("k3_s2_p1", (1, 2, 9, 9), (3, 3), (2, 2), (1, 1), (1, 1), False),
    ("k2_s2", (1, 2, 8, 8), (2, 2), (2, 2), (0, 0), (1, 1), False),
    ("k3_s2_ceil", (1, 2, 8, 8), (3, 3), (2, 2), (0, 0), (1, 1), True),
    ("k3_s2_p1_ceil", (2, 2, 10, 7), (3, 3), (2, 2), (1, 1), (1, 1), True),
    ("k3_s1_p1_d2", (1, 2, 7, 7), (3, 3), (1, 1), (1, 1), (2, 2), False),
    ("k2x3_s2x1_p1_ceil", (2, 2, 7, 6), (2, 3), (2, 1), (1, 1), (1, 1), True),
    ("rank3_k2", (2, 5, 5), (2, 2), (2, 2), (0, 0), (1, 1), False),
]:
    x = randn(*x_shape, shift=-3.0)
    put(f"maxpool.{name}.x", x)
    put(f"maxpool.{name}.out", F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil))
    case("maxpool", name=name, kernel=list(kernel), stride=list(stride), padding=list(padding),
         dilation=list(dilation), ceil=ceil)

for name, x_shape, kernel, stride, padding, ceil, include_pad, divisor in [
    ("k3_s2_p1", (1, 2, 9, 9), (3, 3), (2, 2), (1, 1), False, True, None),
    ("k3_s2_p1_exclude_pad", (1, 2, 9, 9), (3, 3), (2, 2), (1, 1), False, False, None),
    ("k3_s2_ceil", (1, 2, 8, 8), (3, 3), (2, 2), (0, 0), True, True, None),
    ("k3_s2_p1_ceil", (2, 2, 10, 7), (3, 3), (2, 2), (1, 1), True, True, None),
    ("k3_s2_p1_ceil_exclude_pad", (2, 2, 10, 7), (3, 3), (2, 2), (1, 1), True, False, None),
    ("k2_s1", (1, 3, 5, 6), (2, 2), (1, 1), (0, 0), False, True, None),
    ("k2x3_s2x1_p1x1", (1, 2, 7, 6), (2, 3), (2, 1), (1, 1), False, True, None),
    ("k3_s2_p1_divisor5", (1, 2, 7, 7), (3, 3), (2, 2), (1, 1), False, True, 5),
]:
    x = randn(*x_shape, shift=1.0)
    put(f"avgpool.{name}.x", x)
    put(f"avgpool.{name}.out", F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil,
                                           count_include_pad=include_pad, divisor_override=divisor))
    case("avgpool", name=name, kernel=list(kernel), stride=list(stride), padding=list(padding), ceil=ceil,
         countIncludePad=include_pad, divisor=divisor)

for name, x_shape, size in [
    ("7x9_to_3x4", (1, 2, 7, 9), (3, 4)),
    ("7x9_to_5x5", (2, 2, 7, 9), (5, 5)),
    ("7x9_to_1x1", (1, 3, 7, 9), (1, 1)),
    ("6x8_to_3x4", (1, 2, 6, 8), (3, 4)),
    ("5x4_to_7x6_upsample", (1, 2, 5, 4), (7, 6)),
    ("rank3_10x7_to_4x3", (2, 10, 7), (4, 3)),
]:
    x = randn(*x_shape)
    put(f"adaptiveavgpool.{name}.x", x)
    put(f"adaptiveavgpool.{name}.out", F.adaptive_avg_pool2d(x, size))
    case("adaptiveavgpool", name=name, size=list(size))

# --- activations --------------------------------------------------------------------------------
activation_input = torch.cat([randn(3, 20, scale=3.0),
                              torch.tensor([[-100.0, -30.0, -10.0, -1e-3, 0.0, 1e-3, 10.0, 30.0, 100.0, 0.5,
                                             -0.5, 2.0, -2.0, 5.0, -5.0, 88.0, -88.0, 1.0, -1.0, 3.0]])])
put("activation.x", activation_input)
put("activation.relu", F.relu(activation_input))
put("activation.gelu", F.gelu(activation_input))
put("activation.gelu_tanh", F.gelu(activation_input, approximate="tanh"))
put("activation.silu", F.silu(activation_input))
put("activation.sigmoid", torch.sigmoid(activation_input))
put("activation.tanh", torch.tanh(activation_input))

for name, x_shape, axis, scale in [
    ("axis0", (2, 3, 4, 5), 0, 1.0),
    ("axis1", (2, 3, 4, 5), 1, 1.0),
    ("axis2", (2, 3, 4, 5), 2, 1.0),
    ("axis_last", (2, 3, 4, 5), 3, 1.0),
    ("axis_minus1", (2, 3, 4, 5), -1, 1.0),
    ("axis_minus3", (2, 3, 4, 5), -3, 1.0),
    ("large_last", (3, 7), -1, 1000.0),
    ("large_axis1", (2, 6, 3), 1, 1000.0),
    ("rank1", (9,), 0, 5.0),
]:
    x = randn(*x_shape, scale=scale)
    put(f"softmax.{name}.x", x)
    put(f"softmax.{name}.out", torch.softmax(x, dim=axis))
    case("softmax", name=name, axis=axis)

# --- normalization ------------------------------------------------------------------------------
for name, x_shape, normalized, affine, eps, shift in [
    ("last_dim", (2, 3, 8), (8,), True, 1e-5, 0.0),
    ("last_two_dims", (2, 3, 4, 5), (4, 5), True, 1e-5, 0.0),
    ("no_affine", (3, 6), (6,), False, 1e-5, 0.0),
    ("large_mean_eps1e-6", (4, 16), (16,), True, 1e-6, 100.0),
]:
    x = randn(*x_shape, shift=shift)
    w = randn(*normalized, scale=0.5, shift=1.0) if affine else None
    b = randn(*normalized, scale=0.5) if affine else None
    put(f"layernorm.{name}.x", x)
    if affine:
        put(f"layernorm.{name}.weight", w)
        put(f"layernorm.{name}.bias", b)
    put(f"layernorm.{name}.out", F.layer_norm(x, normalized, w, b, eps))
    case("layernorm", name=name, normalized=list(normalized), affine=affine, eps=eps)

for name, x_shape, eps in [("rank3_eps1e-6", (2, 3, 8), 1e-6), ("rank2_eps1e-5", (4, 12), 1e-5)]:
    x = randn(*x_shape)
    w = randn(x_shape[-1], scale=0.5, shift=1.0)
    # Hugging Face LlamaRMSNorm, in float32.
    variance = x.pow(2).mean(-1, keepdim=True)
    y = w * (x * torch.rsqrt(variance + eps))
    put(f"rmsnorm.{name}.x", x)
    put(f"rmsnorm.{name}.weight", w)
    put(f"rmsnorm.{name}.out", y)
    case("rmsnorm", name=name, eps=eps)

for name, x_shape, eps in [("nchw", (2, 3, 4, 5), 1e-5), ("nc", (4, 3), 1e-3)]:
    channels = x_shape[1]
    x = randn(*x_shape, shift=0.5)
    w = randn(channels, scale=0.5, shift=1.0)
    b = randn(channels, scale=0.5)
    mean = randn(channels, scale=0.5)
    var = torch.rand(channels) * 2 + 0.1
    put(f"batchnorm.{name}.x", x)
    put(f"batchnorm.{name}.weight", w)
    put(f"batchnorm.{name}.bias", b)
    put(f"batchnorm.{name}.mean", mean)
    put(f"batchnorm.{name}.var", var)
    put(f"batchnorm.{name}.out", F.batch_norm(x, mean, var, w, b, training=False, eps=eps))
    case("batchnorm", name=name, eps=eps)

for name, x_shape, affine, running in [
    ("per_instance_affine", (2, 3, 5, 6), True, False),
    ("per_instance_plain", (2, 3, 4, 4), False, False),
    ("running_affine", (2, 3, 5, 6), True, True),
    ("running_plain", (1, 4, 3, 5), False, True),
]:
    channels = x_shape[1]
    norm = torch.nn.InstanceNorm2d(channels, affine=affine, track_running_stats=running)
    with torch.no_grad():
        if affine:
            norm.weight.copy_(randn(channels, scale=0.5, shift=1.0))
            norm.bias.copy_(randn(channels, scale=0.5))
        if running:
            norm.running_mean.copy_(randn(channels, scale=0.5))
            norm.running_var.copy_(torch.rand(channels) * 2 + 0.1)
    norm.eval()
    x = randn(*x_shape, scale=2.0, shift=1.0)
    with torch.no_grad():
        y = norm(x)
    put(f"instancenorm.{name}.x", x)
    if affine:
        put(f"instancenorm.{name}.weight", norm.weight)
        put(f"instancenorm.{name}.bias", norm.bias)
    if running:
        put(f"instancenorm.{name}.mean", norm.running_mean)
        put(f"instancenorm.{name}.var", norm.running_var)
    put(f"instancenorm.{name}.out", y)
    case("instancenorm", name=name, affine=affine, running=running, eps=norm.eps)

# --- conv2d, Winograd F(4x4, 3x3) ------------------------------------------------------------------
# Generated last so the cases above keep their values. The tests force F(4x4) on every 3x3 stride-1
# fixture; this one has several 4x4 tiles per row and column with partial ones at the right and
# bottom edges (13x15 output), batch 2, bias, residual and ReLU.
conv2d_case("3x3_f4_batch2_residual_relu", (2, 6, 13, 15), 8, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, True, True)

# --- write --------------------------------------------------------------------------------------
metadata = {f"cases.{family}": json.dumps(entries) for family, entries in cases.items()}
metadata["generator"] = f"Fixtures/ops/generate_ops_core.py, torch {torch.__version__}"
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "core.safetensors")
save_file(tensors, path, metadata=metadata)
print(f"wrote {path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")
