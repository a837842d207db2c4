import VisTensor
import VisWeights

/// A DETR layer's feed-forward block `fc2(act(fc1(x)))` (transformers' `DetrMLP`).
struct DetrFeedForward: Sendable {
    let fc1: LinearLayer
    let fc2: LinearLayer
    let activation: DetrConfig.Activation

    init(taking weights: inout WeightStore, _ prefix: String, width: Int, hidden: Int, activation: DetrConfig.Activation) {
        fc1 = LinearLayer(taking: &weights, "\(prefix).fc1", input: width, output: hidden)
        fc2 = LinearLayer(taking: &weights, "\(prefix).fc2", input: hidden, output: width)
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        var hidden = try fc1(x)
        switch activation {
        case .relu: reluInPlace(&hidden)
        case .gelu: geluInPlace(&hidden)
        }
        return try fc2(hidden)
    }
}

/// `norm(x + residual)`: the post-norm residual step of every DETR sub-layer.
func addAndNormalize(_ x: Tensor, residual: Tensor, _ norm: LayerNormLayer, op: String) throws(TensorError) -> Tensor {
    var sum = x
    try addInPlace(&sum, residual, op: op)
    return try norm(sum)
}
