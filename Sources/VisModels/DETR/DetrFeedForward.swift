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
        switch activation {
        case .relu:
            // ReLU fused into fc1's product: no separate pass (nor fork/join) over the hidden layer.
            return try fc2(try fc1(x, fusedReLU: true))
        case .gelu:
            var hidden = try fc1(x)
            geluInPlace(&hidden)
            return try fc2(hidden)
        }
    }
}

/// `norm(x + residual)`: the post-norm residual step of every DETR sub-layer.
func addAndNormalize(_ x: Tensor, residual: Tensor, _ norm: LayerNormLayer, op: String) throws(TensorError) -> Tensor {
    guard x.shape == residual.shape else {
        throw .shapeMismatch(op: op, detail: "cannot add \(residual.shape) to \(x.shape)")
    }
    return try norm(x, adding: residual)
}
