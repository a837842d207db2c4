// Reordering axes with a contiguous copy: permute (torch.permute) and transpose of two axes.

/// `x` with its axes reordered, as `x.permute(axes).contiguous()` in PyTorch: output axis `i` is
/// input axis `axes[i]`. Negative axes count from the end.
public func permuted(_ x: Tensor, _ axes: [Int]) throws(TensorError) -> Tensor {
    let rank = x.rank
    guard axes.count == rank else {
        throw .invalidArgument(op: "permute", detail: "axes \(axes) do not match the rank of \(x.shape)")
    }
    var resolved = [Int](repeating: 0, count: rank)
    var seen = [Bool](repeating: false, count: rank)
    for (i, axis) in axes.enumerated() {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank, !seen[a] else {
            throw .invalidArgument(op: "permute", detail: "axes \(axes) are not a permutation of 0..<\(rank) for \(x.shape)")
        }
        seen[a] = true
        resolved[i] = a
    }
    let outShape = resolved.map { x.shape[$0] }
    let inStrides = x.strides
    return copyStrided(x, outShape: outShape, sourceStrides: resolved.map { inStrides[$0] })
}

/// `x` with axes `first` and `second` swapped, as `x.transpose(first, second).contiguous()`.
public func transposed(_ x: Tensor, _ first: Int, _ second: Int) throws(TensorError) -> Tensor {
    let rank = x.rank
    let a = first < 0 ? first + rank : first
    let b = second < 0 ? second + rank : second
    guard a >= 0, a < rank, b >= 0, b < rank else {
        throw .invalidArgument(op: "transpose", detail: "axes (\(first), \(second)) out of range for \(x.shape)")
    }
    var axes = Array(0..<rank)
    axes.swapAt(a, b)
    return try permuted(x, axes)
}

/// Copies the view of `x` with `outShape` and per-axis `sourceStrides` into a contiguous tensor.
/// Axes are coalesced first, so a permutation that keeps trailing axes together copies whole runs.
private func copyStrided(_ x: Tensor, outShape: [Int], sourceStrides: [Int]) -> Tensor {
    let total = outShape.reduce(1, *)
    if total == 0 { return Tensor(zeros: outShape) }
    // Drop size-1 axes, then merge neighbours that are adjacent in the source as well.
    var dims: [Int] = [], strides: [Int] = []
    for (d, s) in zip(outShape, sourceStrides) where d != 1 {
        if let last = dims.last, strides.last! == s * d {
            dims[dims.count - 1] = last * d
            strides[strides.count - 1] = s
        } else {
            dims.append(d); strides.append(s)
        }
    }
    if dims.isEmpty { dims = [1]; strides = [1] }
    let rowLength = dims.last!, rowStride = strides.last!
    let outerDims = Array(dims.dropLast()), outerStrides = Array(strides.dropLast())
    let rows = total / rowLength

    return Tensor(shape: outShape) { out in
        let dst = out.baseAddress!
        x.storage.withUnsafeBufferPointer { source in
            let src = source.baseAddress!
            Parallelism.forEach(rows, minimumPerThread: max(1, elementwiseGrain / rowLength)) { row in
                var remaining = row, offset = 0
                var axis = outerDims.count - 1
                while axis >= 0 {
                    offset += (remaining % outerDims[axis]) * outerStrides[axis]
                    remaining /= outerDims[axis]
                    axis -= 1
                }
                let from = src + offset, to = dst + row * rowLength
                if rowStride == 1 {
                    to.update(from: from, count: rowLength)
                } else {
                    for i in 0..<rowLength { to[i] = from[i * rowStride] }
                }
            }
        }
    }
}
