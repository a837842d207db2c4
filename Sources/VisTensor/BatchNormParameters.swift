/// The inference-time state of a `BatchNorm2d` / `FrozenBatchNorm2d` layer: per-channel affine
/// parameters and running statistics, all `[C]`.
public struct BatchNormParameters: Sendable, Equatable {
    public var weight: Tensor
    public var bias: Tensor
    public var runningMean: Tensor
    public var runningVariance: Tensor
    public var eps: Float

    /// Validates that all four tensors are `[C]` for the same `C`.
    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVariance: Tensor, eps: Float = 1e-5) throws(TensorError) {
        let channels = weight.shape.first ?? 0
        for (name, tensor) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance)]
        where tensor.shape != [channels] || weight.rank != 1 {
            throw .shapeMismatch(op: "batchNorm", detail: "\(name) \(tensor.shape) must be [C] like weight \(weight.shape)")
        }
        guard eps >= 0 else { throw .invalidArgument(op: "batchNorm", detail: "eps \(eps) must not be negative") }
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVariance = runningVariance
        self.eps = eps
    }

    public var channels: Int { weight.count }

    /// The layer as `y = x · scale[c] + shift[c]`, with `scale = weight / sqrt(var + eps)` and
    /// `shift = bias − mean · scale` (PyTorch's FrozenBatchNorm2d formulation). Computed in double
    /// so that folding adds no rounding beyond the final float.
    public func scaleAndShift() -> (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = Double(weight.storage[c]) / (Double(runningVariance.storage[c]) + Double(eps)).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(bias.storage[c]) - Double(runningMean.storage[c]) * s)
        }
        return (scale, shift)
    }
}
