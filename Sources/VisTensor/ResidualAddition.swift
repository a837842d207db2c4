// ResNet's residual join, `relu(x + identity)`, in one pass. Inside a bottleneck prefer
// `conv2d(…, residual: identity, fusedReLU: true)`, which folds the join into the last
// convolution's epilogue; these serve joins that do not follow a convolution.

/// `max(a + b, 0)` elementwise for tensors of the same shape (no broadcasting); NaN propagates.
public func addReLU(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
    var result = a
    try addReLUInPlace(&result, b)
    return result
}

/// `a = max(a + b, 0)` elementwise, writing into `a`'s storage (no new buffer when `a` is uniquely
/// referenced); `b` must have `a`'s shape.
public func addReLUInPlace(_ a: inout Tensor, _ b: Tensor) throws(TensorError) {
    guard a.shape == b.shape else {
        throw .shapeMismatch(op: "addReLU", detail: "\(a.shape) and \(b.shape) must be equal (no broadcasting)")
    }
    let count = a.count
    b.storage.withUnsafeBufferPointer { bs in
        a.storage.withUnsafeMutableBufferPointer { as_ in
            guard let x = as_.baseAddress, let y = bs.baseAddress else { return }
            Parallelism.forEach((count + 4095) / 4096, minimumPerThread: max(1, elementwiseGrain / 4096)) { chunk in
                let start = chunk * 4096, end = min(count, start + 4096)
                for i in start..<end { let v = x[i] + y[i]; x[i] = v < 0 ? 0 : v }
            }
        }
    }
}
