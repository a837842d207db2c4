"""Reference outputs for VisTensor's attention, broadcasting/layout and resampling operations.

Re-run from the repository root with the pinned environment (Fixtures/requirements.txt):

    /work/venv/bin/python Fixtures/ops/generate_ops_attention_resample.py

It writes Fixtures/ops/attention_resample.safetensors (float32, seeded, deterministic on CPU).
Tensor names are "<case>.<role>"; the Swift tests in Tests/VisTensorTests read them back.
"""
import os
import warnings

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

# Torch warns that a bool key_padding_mask with a float attn_mask is deprecated; it still converts
# the bool mask to -inf, which is the behaviour under test.
warnings.filterwarnings("ignore", message="Support for mismatched key_padding_mask")
torch.manual_seed(20240611)
torch.set_grad_enabled(False)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention_resample.safetensors")
tensors = {}


def put(name, t):
    tensors[name] = t.detach().to(torch.float32).contiguous().clone()


def put_mha_params(case, mha):
    """Stores the q/k/v/out projections separately, whichever way torch packs them."""
    e = mha.embed_dim
    if mha._qkv_same_embed_dim:
        w = mha.in_proj_weight
        put(f"{case}.q_weight", w[:e]); put(f"{case}.k_weight", w[e:2 * e]); put(f"{case}.v_weight", w[2 * e:])
    else:
        put(f"{case}.q_weight", mha.q_proj_weight); put(f"{case}.k_weight", mha.k_proj_weight)
        put(f"{case}.v_weight", mha.v_proj_weight)
    b = mha.in_proj_bias
    put(f"{case}.q_bias", b[:e]); put(f"{case}.k_bias", b[e:2 * e]); put(f"{case}.v_bias", b[2 * e:])
    put(f"{case}.out_weight", mha.out_proj.weight); put(f"{case}.out_bias", mha.out_proj.bias)


def make_mha(e, heads, **kw):
    mha = torch.nn.MultiheadAttention(e, heads, batch_first=True, **kw).eval()
    # Torch initialises the biases to zero; random biases make the test see them.
    mha.in_proj_bias.normal_(0, 0.3)
    mha.out_proj.bias.normal_(0, 0.3)
    return mha


# --- Multi-head attention -------------------------------------------------------------------------
# Self-attention, no masks; per-head and averaged weights; also the packed in_proj tensors.
mha = make_mha(8, 2)
x = torch.randn(2, 5, 8)
out, w_heads = mha(x, x, x, need_weights=True, average_attn_weights=False)
_, w_avg = mha(x, x, x, need_weights=True, average_attn_weights=True)
put("mha_self.x", x); put_mha_params("mha_self", mha)
put("mha_self.in_proj_weight", mha.in_proj_weight); put("mha_self.in_proj_bias", mha.in_proj_bias)
put("mha_self.output", out); put("mha_self.weights_per_head", w_heads); put("mha_self.weights_avg", w_avg)

# Cross-attention (Lq != Lk) with an additive [Lq, Lk] mask holding some -inf entries and a key
# padding mask; no row is fully masked, so torch's weights are finite.
mha = make_mha(8, 4)
q, k, v = torch.randn(2, 3, 8), torch.randn(2, 6, 8), torch.randn(2, 6, 8)
attn_mask = torch.randn(3, 6) * 0.5
attn_mask[0, 1] = float("-inf"); attn_mask[2, 4] = float("-inf")
kpm = torch.tensor([[False, False, False, False, True, True], [True, False, False, False, False, False]])
out, w_heads = mha(q, k, v, attn_mask=attn_mask, key_padding_mask=kpm, need_weights=True, average_attn_weights=False)
put("mha_cross.query", q); put("mha_cross.key", k); put("mha_cross.value", v); put_mha_params("mha_cross", mha)
put("mha_cross.attn_mask", attn_mask); put("mha_cross.key_padding_mask", kpm.float())
put("mha_cross.output", out); put("mha_cross.weights_per_head", w_heads)

# A per-(batch, head) additive mask [B*H, Lq, Lk].
mha = make_mha(8, 2)
q, k = torch.randn(2, 4, 8), torch.randn(2, 3, 8)
attn_mask = torch.randn(4, 4, 3)
out, w_avg = mha(q, k, k, attn_mask=attn_mask, need_weights=True, average_attn_weights=True)
put("mha_mask3d.query", q); put("mha_mask3d.key", k); put_mha_params("mha_mask3d", mha)
put("mha_mask3d.attn_mask", attn_mask); put("mha_mask3d.output", out); put("mha_mask3d.weights_avg", w_avg)

# Causal self-attention: torch wants the mask as well as the is_causal hint.
mha = make_mha(8, 2)
x = torch.randn(1, 5, 8)
causal = torch.nn.Transformer.generate_square_subsequent_mask(5)
out, w_avg = mha(x, x, x, attn_mask=causal, is_causal=True, need_weights=True)
put("mha_causal.x", x); put_mha_params("mha_causal", mha); put("mha_causal.output", out); put("mha_causal.weights_avg", w_avg)

# Key and value widths differing from the embedding width (kdim=6, vdim=5).
mha = make_mha(8, 2, kdim=6, vdim=5)
q, k, v = torch.randn(2, 3, 8), torch.randn(2, 4, 6), torch.randn(2, 4, 5)
out, w_heads = mha(q, k, v, need_weights=True, average_attn_weights=False)
put("mha_kvdim.query", q); put("mha_kvdim.key", k); put("mha_kvdim.value", v); put_mha_params("mha_kvdim", mha)
put("mha_kvdim.output", out); put("mha_kvdim.weights_per_head", w_heads)

# Every key of batch 1 padded. Torch's answer depends on its code path: the SDPA path (taken here:
# need_weights=False outside eval's native fast path; dropout is 0) attends to nothing, so the
# attention result is zero and the output is the out-projection bias; the need_weights path and the
# eval-mode native kernel give NaN. VisTensor follows the SDPA path.
mha = make_mha(8, 2).train()
x = torch.randn(2, 3, 8)
kpm = torch.tensor([[False, True, False], [True, True, True]])
out, _ = mha(x, x, x, key_padding_mask=kpm, need_weights=False)
put("mha_fully_masked.x", x); put_mha_params("mha_fully_masked", mha)
put("mha_fully_masked.key_padding_mask", kpm.float()); put("mha_fully_masked.output", out)

# --- Scaled dot-product attention on [B, H, L, D] -------------------------------------------------
q, k, v = torch.randn(2, 2, 4, 3), torch.randn(2, 2, 6, 3), torch.randn(2, 2, 6, 5)
mask = torch.randn(1, 2, 4, 6)  # broadcasts over the batch
mask[0, 1, 2, :] = float("-inf")  # a fully masked row: torch returns zeros there
put("sdpa.query", q); put("sdpa.key", k); put("sdpa.value", v); put("sdpa.attn_mask", mask)
put("sdpa.output", F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
put("sdpa.output_causal", F.scaled_dot_product_attention(q, k, v, is_causal=True))
put("sdpa.output_scale", F.scaled_dot_product_attention(q, k, v, scale=0.25))

# --- Broadcasting and layout ----------------------------------------------------------------------
a, b = torch.randn(2, 1, 4), torch.randn(3, 1)
put("add.a", a); put("add.b", b); put("add.output", a + b)
a, b = torch.randn(2, 3, 1, 5), torch.randn(4, 1)
put("mul.a", a); put("mul.b", b); put("mul.output", a * b)
a, b = torch.randn(3, 4), torch.randn(4)
put("sub.a", a); put("sub.b", b); put("sub.output", a - b)
a, b = torch.randn(2, 3, 4), torch.rand(1, 3, 1) + 0.5
put("div.a", a); put("div.b", b); put("div.output", a / b)
x = torch.randn(2, 3, 4, 5)
put("permute.x", x); put("permute.output", x.permute(2, 0, 3, 1)); put("transpose.output", x.transpose(1, 3))
parts = [torch.randn(2, 3, 4), torch.randn(2, 1, 4), torch.randn(2, 2, 4)]
for i, p in enumerate(parts):
    put(f"concat.part{i}", p)
put("concat.output", torch.cat(parts, dim=1))

# --- Resampling -----------------------------------------------------------------------------------
x = torch.randn(2, 3, 5, 7)
put("resample.x", x)
for name, size in [("up", (8, 11)), ("down", (3, 4)), ("one", (1, 3))]:
    for ac in (False, True):
        put(f"bilinear_{name}_ac{int(ac)}.output", F.interpolate(x, size=size, mode="bilinear", align_corners=ac))
    put(f"nearest_{name}.output", F.interpolate(x, size=size, mode="nearest"))
# A scale factor whose product is not an integer: torch uses 1/scale (not in/out) for source indices.
put("bilinear_scale.output", F.interpolate(x, scale_factor=(1.7, 0.6), mode="bilinear", align_corners=False))
put("nearest_scale.output", F.interpolate(x, scale_factor=(1.7, 0.6), mode="nearest"))

x = torch.randn(2, 3, 4, 5)
grid = torch.rand(2, 3, 6, 2) * 2.6 - 1.3  # some points fall outside [-1, 1]
put("grid_sample.x", x); put("grid_sample.grid", grid)
for pad in ("zeros", "border"):
    for ac in (False, True):
        put(f"grid_sample_{pad}_ac{int(ac)}.output",
            F.grid_sample(x, grid, mode="bilinear", padding_mode=pad, align_corners=ac))

save_file(tensors, OUT)
print(f"wrote {OUT}: {len(tensors)} tensors, {os.path.getsize(OUT)} bytes")
