import VisTensor
import VisWeights

/// The weights of an `nn.Linear`: `[out, in]` and `[out]`.
struct LinearLayer: Sendable {
    let weight: Tensor
    let bias: Tensor

    /// Takes `<name>.weight` and `<name>.bias`.
    init(taking weights: inout WeightStore, _ name: String, input: Int, output: Int) {
        weight = weights.take("\(name).weight", shape: [output, input])
        bias = weights.take("\(name).bias", shape: [output])
    }

    func callAsFunction(_ x: Tensor, fusedReLU: Bool = false) throws(TensorError) -> Tensor {
        try linear(x, weight: weight, bias: bias, fusedReLU: fusedReLU)
    }
}

/// The weights of an `nn.LayerNorm` over the last axis (eps 1e-5, PyTorch's default).
struct LayerNormLayer: Sendable {
    let weight: Tensor
    let bias: Tensor

    /// Takes `<name>.weight` and `<name>.bias`, both `[width]`.
    init(taking weights: inout WeightStore, _ name: String, width: Int) {
        weight = weights.take("\(name).weight", shape: [width])
        bias = weights.take("\(name).bias", shape: [width])
    }

    func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        try layerNorm(x, weight: weight, bias: bias, eps: 1e-5)
    }

    /// The norm of `x + residual` (a post-norm residual step), in one pass.
    func callAsFunction(_ x: Tensor, adding residual: Tensor) throws(TensorError) -> Tensor {
        try layerNorm(x, adding: residual, weight: weight, bias: bias, eps: 1e-5)
    }
}

extension MultiHeadAttentionWeights {
    /// Takes transformers' separate `<name>.{q,k,v,out}_proj.{weight,bias}` projections of width `width`.
    static func taking(_ weights: inout WeightStore, _ name: String, width: Int) throws(ModelError) -> MultiHeadAttentionWeights {
        let projections = ["q", "k", "v", "out"].map { LinearLayer(taking: &weights, "\(name).\($0)_proj", input: width, output: width) }
        do {
            return try MultiHeadAttentionWeights(qWeight: projections[0].weight, qBias: projections[0].bias,
                                                 kWeight: projections[1].weight, kBias: projections[1].bias,
                                                 vWeight: projections[2].weight, vBias: projections[2].bias,
                                                 outWeight: projections[3].weight, outBias: projections[3].bias)
        } catch {
            throw .computation(stage: "loading \(name)", error)
        }
    }
}
