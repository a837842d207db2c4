import VisTensor
import VisWeights

/// One post-norm DETR decoder layer (transformers' `DetrDecoderLayer`, eval mode):
/// - self-attention: `q = k = t + queryPos`, `v = t`; `t = LN(t + ·)`;
/// - cross-attention: `q = t + queryPos`, `k = memory + pos`, `v = memory` (padded keys ignored); `t = LN(t + ·)`;
/// - feed-forward: `t = LN(t + FFN(t))`.
struct DetrDecoderLayer: Sendable {
    let selfAttention: MultiHeadAttentionWeights
    let selfAttentionNorm: LayerNormLayer
    let crossAttention: MultiHeadAttentionWeights
    let crossAttentionNorm: LayerNormLayer
    let feedForward: DetrFeedForward
    let finalNorm: LayerNormLayer
    let heads: Int

    init(taking weights: inout WeightStore, index: Int, config: DetrConfig) throws(ModelError) {
        let prefix = "model.decoder.layers.\(index)"
        let width = config.dModel
        selfAttention = try .taking(&weights, "\(prefix).self_attn", width: width)
        selfAttentionNorm = LayerNormLayer(taking: &weights, "\(prefix).self_attn_layer_norm", width: width)
        crossAttention = try .taking(&weights, "\(prefix).encoder_attn", width: width)
        crossAttentionNorm = LayerNormLayer(taking: &weights, "\(prefix).encoder_attn_layer_norm", width: width)
        feedForward = DetrFeedForward(taking: &weights, prefix, width: width, hidden: config.decoderFfnDim,
                                      activation: config.activationFunction)
        finalNorm = LayerNormLayer(taking: &weights, "\(prefix).final_layer_norm", width: width)
        heads = config.decoderAttentionHeads
    }

    /// - Parameters:
    ///   - target: the query states `[B, Q, E]`.
    ///   - queryPosition: the learned query embeddings, `[B, Q, E]`.
    ///   - memory: the encoder output `[B, L, E]`; `memoryKeys` is `memory + pos`, shared by all layers.
    ///   - padding: the memory positions to ignore.
    func callAsFunction(_ target: Tensor, queryPosition: Tensor, memory: Tensor, memoryKeys: Tensor,
                        padding: KeyPaddingMask) throws(TensorError) -> Tensor {
        var queryKey = target
        try addInPlace(&queryKey, queryPosition, op: "decoder t + queryPos")
        let selfAttended = try multiHeadAttention(query: queryKey, key: queryKey, value: target, weights: selfAttention,
                                                  numHeads: heads).output
        let afterSelf = try addAndNormalize(selfAttended, residual: target, selfAttentionNorm, op: "decoder self-attention residual")

        var query = afterSelf
        try addInPlace(&query, queryPosition, op: "decoder cross-attention query + queryPos")
        let crossAttended = try multiHeadAttention(query: query, key: memoryKeys, value: memory, weights: crossAttention,
                                                   numHeads: heads, keyPaddingMask: padding).output
        let afterCross = try addAndNormalize(crossAttended, residual: afterSelf, crossAttentionNorm, op: "decoder cross-attention residual")
        return try addAndNormalize(try feedForward(afterCross), residual: afterCross, finalNorm, op: "decoder feed-forward residual")
    }
}
