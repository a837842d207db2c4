/// A convolution's learned tensors: weight `[OC, C / groups, KH, KW]` and optional bias `[OC]`.
public struct Conv2dParameters: Sendable, Equatable {
    public var weight: Tensor
    public var bias: Tensor?

    public init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }

    /// These parameters with the following batch norm folded in, done once at load time so that
    /// inference runs the convolution alone: with `scale = γ / sqrt(var + eps)`,
    /// `W'[oc] = W[oc] · scale[oc]` and `b' = (b − mean) · scale + β` (b = 0 without a bias).
    ///
    /// The result equals `batchNorm(conv2d(x, W, b))` up to float rounding.
    public func foldingBatchNorm(_ batchNorm: BatchNormParameters) throws(TensorError) -> Conv2dParameters {
        let outChannels = weight.shape.first ?? 0
        guard weight.rank == 4 else {
            throw .shapeMismatch(op: "foldBatchNorm", detail: "weight \(weight.shape) must be [OC, C / groups, KH, KW]")
        }
        guard batchNorm.channels == outChannels else {
            throw .shapeMismatch(op: "foldBatchNorm", detail: "weight \(weight.shape) has \(outChannels) output channels, batch norm weight \(batchNorm.weight.shape) has \(batchNorm.channels)")
        }
        if let bias, bias.shape != [outChannels] {
            throw .shapeMismatch(op: "foldBatchNorm", detail: "bias \(bias.shape) does not match weight \(weight.shape) (expected [\(outChannels)])")
        }
        let (scale, shift) = batchNorm.scaleAndShift()
        let perChannel = outChannels == 0 ? 0 : weight.count / outChannels
        var foldedWeight = weight
        foldedWeight.storage.withUnsafeMutableBufferPointer { w in
            for oc in 0..<outChannels {
                for i in (oc * perChannel)..<((oc + 1) * perChannel) { w[i] *= scale[oc] }
            }
        }
        let foldedBias = Tensor(shape: [outChannels]) { b in
            for oc in 0..<outChannels {
                let convBias = bias?.storage[oc] ?? 0
                // (b − mean) · scale + β, written as b · scale + shift with shift = β − mean · scale.
                b[oc] = convBias * scale[oc] + shift[oc]
            }
        }
        return Conv2dParameters(weight: foldedWeight, bias: foldedBias)
    }
}
