import VisTensor
import VisWeights

/// One post-norm DETR encoder layer (transformers' `DetrEncoderLayer`, eval mode):
/// `x = LN(x + SelfAttn(q = k = x + pos, v = x))`, then `x = LN(x + FFN(x))`.
struct DetrEncoderLayer: Sendable {
    let selfAttention: MultiHeadAttentionWeights
    let heads: Int
    let selfAttentionNorm: LayerNormLayer
    let feedForward: DetrFeedForward
    let finalNorm: LayerNormLayer

    init(taking weights: inout WeightStore, index: Int, config: DetrConfig) throws(ModelError) {
        let prefix = "model.encoder.layers.\(index)"
        let width = config.dModel
        selfAttention = try .taking(&weights, "\(prefix).self_attn", width: width)
        heads = config.encoderAttentionHeads
        selfAttentionNorm = LayerNormLayer(taking: &weights, "\(prefix).self_attn_layer_norm", width: width)
        feedForward = DetrFeedForward(taking: &weights, prefix, width: width, hidden: config.encoderFfnDim,
                                      activation: config.activationFunction)
        finalNorm = LayerNormLayer(taking: &weights, "\(prefix).final_layer_norm", width: width)
    }

    /// - Parameters:
    ///   - x: tokens `[B, L, E]`.
    ///   - position: the spatial position embedding `[B, L, E]`.
    ///   - padding: the keys to ignore (padded feature positions).
    func callAsFunction(_ x: Tensor, position: Tensor, padding: KeyPaddingMask) throws(TensorError) -> Tensor {
        var queryKey = x
        try addInPlace(&queryKey, position, op: "encoder x + pos")
        let attended = try multiHeadAttention(query: queryKey, key: queryKey, value: x, weights: selfAttention,
                                              numHeads: heads, keyPaddingMask: padding).output
        let hidden = try addAndNormalize(attended, residual: x, selfAttentionNorm, op: "encoder self-attention residual")
        return try addAndNormalize(try feedForward(hidden), residual: hidden, finalNorm, op: "encoder feed-forward residual")
    }
}
