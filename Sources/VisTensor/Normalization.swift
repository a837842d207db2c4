// Normalization layers in inference form. Statistics are computed in float with two passes
// (mean, then mean squared deviation), which stays accurate when the mean is large.

/// Layer normalization as PyTorch's `F.layer_norm`, over the trailing `normalizedShape` dimensions.
///
/// - Parameters:
///   - normalizedShape: the trailing dimensions to normalize over; defaults to `weight`'s shape,
///     or the last dimension when there is no weight.
///   - weight, bias: shaped `normalizedShape`, or `nil` for no affine step.
///   - eps: added to the (biased) variance.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5,
                      normalizedShape: [Int]? = nil) throws(TensorError) -> Tensor {
    let op = "layerNorm"
    let normalized = normalizedShape ?? weight?.shape ?? (x.rank > 0 ? [x.shape[x.rank - 1]] : [])
    guard !normalized.isEmpty, x.rank >= normalized.count, Array(x.shape.suffix(normalized.count)) == normalized else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) does not end with normalized shape \(normalized)")
    }
    if let weight, weight.shape != normalized {
        throw .shapeMismatch(op: op, detail: "weight \(weight.shape) does not match normalized shape \(normalized) of input \(x.shape)")
    }
    if let bias, bias.shape != normalized {
        throw .shapeMismatch(op: op, detail: "bias \(bias.shape) does not match normalized shape \(normalized) of input \(x.shape)")
    }
    let width = normalized.reduce(1, *)
    let rows = width == 0 ? 0 : x.count / width
    let gamma = weight?.storage, beta = bias?.storage
    return Tensor(shape: x.shape) { out in
        x.storage.withUnsafeBufferPointer { input in
            Parallelism.forEach(rows, minimumPerThread: max(1, 8_192 / max(1, width))) { row in
                let base = row * width
                let (mean, variance) = moments(input.baseAddress! + base, count: width)
                let inverse = 1 / (variance + eps).squareRoot()
                for j in 0..<width {
                    var v = (input[base + j] - mean) * inverse
                    if let gamma { v *= gamma[j] }
                    if let beta { v += beta[j] }
                    out[base + j] = v
                }
            }
        }
    }
}

/// `layerNorm(x + residual)` over the last dimension in one pass over the rows (a post-norm
/// transformer's residual step), without materialising the sum as a tensor. Results are those of
/// `layerNorm(add(x, residual), …)` exactly: the sum is rounded to float first, as there.
///
/// - Parameters:
///   - x, residual: equal shapes `[..., width]`.
///   - weight, bias: `[width]`, or `nil` for no affine step.
public func layerNorm(_ x: Tensor, adding residual: Tensor, weight: Tensor?, bias: Tensor?,
                      eps: Float = 1e-5) throws(TensorError) -> Tensor {
    let op = "layerNorm"
    guard x.shape == residual.shape else {
        throw .shapeMismatch(op: op, detail: "residual \(residual.shape) does not match input \(x.shape)")
    }
    guard x.rank >= 1 else { throw .shapeMismatch(op: op, detail: "input \(x.shape) has no dimension to normalize") }
    let width = x.shape[x.rank - 1]
    for (name, tensor) in [("weight", weight), ("bias", bias)] {
        if let tensor, tensor.shape != [width] {
            throw .shapeMismatch(op: op, detail: "\(name) \(tensor.shape) does not match the last dimension of input \(x.shape) (expected [\(width)])")
        }
    }
    let rows = width == 0 ? 0 : x.count / width
    let gamma = weight?.storage, beta = bias?.storage
    return Tensor(shape: x.shape) { out in
        x.storage.withUnsafeBufferPointer { input in
            residual.storage.withUnsafeBufferPointer { added in
                Parallelism.forEach(rows, minimumPerThread: max(1, 8_192 / max(1, width))) { row in
                    let sum = out.baseAddress! + row * width
                    let a = input.baseAddress! + row * width, b = added.baseAddress! + row * width
                    for j in 0..<width { sum[j] = a[j] + b[j] }
                    let (mean, variance) = moments(sum, count: width)
                    let inverse = 1 / (variance + eps).squareRoot()
                    for j in 0..<width {
                        var v = (sum[j] - mean) * inverse
                        if let gamma { v *= gamma[j] }
                        if let beta { v += beta[j] }
                        sum[j] = v
                    }
                }
            }
        }
    }
}

/// Root-mean-square normalization as Hugging Face's `LlamaRMSNorm`, over the last dimension:
/// `x · 1/sqrt(mean(x²) + eps) · weight`.
public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float = 1e-6) throws(TensorError) -> Tensor {
    let op = "rmsNorm"
    guard x.rank >= 1 else { throw .shapeMismatch(op: op, detail: "input \(x.shape) has no dimension to normalize") }
    let width = x.shape[x.rank - 1]
    if let weight, weight.shape != [width] {
        throw .shapeMismatch(op: op, detail: "weight \(weight.shape) does not match the last dimension of input \(x.shape) (expected [\(width)])")
    }
    let rows = width == 0 ? 0 : x.count / width
    let gamma = weight?.storage
    return Tensor(shape: x.shape) { out in
        x.storage.withUnsafeBufferPointer { input in
            Parallelism.forEach(rows, minimumPerThread: max(1, 8_192 / max(1, width))) { row in
                let base = row * width
                var sumOfSquares: Float = 0
                for j in 0..<width { sumOfSquares += input[base + j] * input[base + j] }
                let inverse = 1 / (sumOfSquares / Float(width) + eps).squareRoot()
                for j in 0..<width {
                    let v = input[base + j] * inverse
                    out[base + j] = gamma.map { v * $0[j] } ?? v
                }
            }
        }
    }
}

/// Batch normalization in inference mode (running statistics), as `F.batch_norm(training: false)`.
///
/// - `x`: `[N, C, ...]` (any number of spatial dimensions, including none).
public func batchNorm(_ x: Tensor, _ parameters: BatchNormParameters) throws(TensorError) -> Tensor {
    let op = "batchNorm"
    guard x.rank >= 2, x.shape[1] == parameters.channels else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) must be [N, C, ...] with C = \(parameters.channels) (batch norm weight \(parameters.weight.shape))")
    }
    let (scale, shift) = parameters.scaleAndShift()
    return applyChannelAffine(x, scale: scale, shift: shift)
}

/// Where instance normalization takes its mean and variance from.
public enum InstanceNormStatistics: Sendable {
    /// Each (image, channel) plane's own mean and biased variance — `InstanceNorm2d` by default,
    /// or in training mode.
    case perInstance
    /// Stored statistics, each `[C]` — `InstanceNorm2d(track_running_stats=True)` in eval mode.
    case running(mean: Tensor, variance: Tensor)
}

/// Instance normalization as PyTorch's `F.instance_norm` / `InstanceNorm2d` in eval mode.
///
/// - Parameters:
///   - x: `[N, C, spatial...]` with at least one spatial dimension.
///   - weight, bias: `[C]` (affine=True), or `nil`.
///   - statistics: per-instance statistics, or running statistics.
public func instanceNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
                         statistics: InstanceNormStatistics = .perInstance,
                         eps: Float = 1e-5) throws(TensorError) -> Tensor {
    let op = "instanceNorm"
    guard x.rank >= 3 else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) must be [N, C, spatial...] with at least one spatial dimension")
    }
    let channels = x.shape[1]
    for (name, tensor) in [("weight", weight), ("bias", bias)] {
        if let tensor, tensor.shape != [channels] {
            throw .shapeMismatch(op: op, detail: "\(name) \(tensor.shape) does not match the \(channels) channels of input \(x.shape)")
        }
    }
    let gamma = weight?.storage ?? [Float](repeating: 1, count: channels)
    let beta = bias?.storage ?? [Float](repeating: 0, count: channels)

    switch statistics {
    case .running(let mean, let variance):
        for (name, tensor) in [("running_mean", mean), ("running_var", variance)] where tensor.shape != [channels] {
            throw .shapeMismatch(op: op, detail: "\(name) \(tensor.shape) does not match the \(channels) channels of input \(x.shape)")
        }
        var scale = gamma, shift = beta
        for c in 0..<channels {
            scale[c] = gamma[c] / (variance.storage[c] + eps).squareRoot()
            shift[c] = beta[c] - mean.storage[c] * scale[c]
        }
        return applyChannelAffine(x, scale: scale, shift: shift)

    case .perInstance:
        let plane = x.shape.dropFirst(2).reduce(1, *)
        let planes = x.shape[0] * channels
        return Tensor(shape: x.shape) { out in
            x.storage.withUnsafeBufferPointer { input in
                Parallelism.forEach(planes, minimumPerThread: max(1, 8_192 / max(1, plane))) { p in
                    guard plane > 0 else { return }
                    let base = p * plane, c = p % channels
                    let (mean, variance) = moments(input.baseAddress! + base, count: plane)
                    let scale = gamma[c] / (variance + eps).squareRoot()
                    for j in 0..<plane { out[base + j] = (input[base + j] - mean) * scale + beta[c] }
                }
            }
        }
    }
}

/// `y = x · scale[c] + shift[c]` over `[N, C, ...]`, one pass, planes in parallel.
private func applyChannelAffine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
    let channels = x.shape[1]
    let plane = x.shape.dropFirst(2).reduce(1, *)
    let planes = x.shape[0] * channels
    return Tensor(shape: x.shape) { out in
        x.storage.withUnsafeBufferPointer { input in
            Parallelism.forEach(planes, minimumPerThread: max(1, 16_384 / max(1, plane))) { p in
                let c = p % channels, base = p * plane
                let a = scale[c], b = shift[c]
                for j in 0..<plane { out[base + j] = input[base + j] * a + b }
            }
        }
    }
}

/// Mean and biased variance of `count > 0` floats, in two passes.
private func moments(_ values: UnsafePointer<Float>, count: Int) -> (mean: Float, variance: Float) {
    var sum: Float = 0
    for i in 0..<count { sum += values[i] }
    let mean = sum / Float(count)
    var squares: Float = 0
    for i in 0..<count {
        let d = values[i] - mean
        squares += d * d
    }
    return (mean, squares / Float(count))
}
