import VisTensor

/// `x += y` over equal shapes (position embeddings added to queries and keys). Runs on contiguous
/// chunks in parallel; no allocation. (Residual add + ReLU is fused into convolutions instead.)
func addInPlace(_ x: inout Tensor, _ y: Tensor, op: String) throws(TensorError) {
    guard x.shape == y.shape else {
        throw .shapeMismatch(op: op, detail: "cannot add \(y.shape) to \(x.shape)")
    }
    let count = x.count
    let chunk = 1 << 15
    let chunks = (count + chunk - 1) / chunk
    y.storage.withUnsafeBufferPointer { source in
        x.storage.withUnsafeMutableBufferPointer { target in
            guard let s = source.baseAddress, let t = target.baseAddress else { return }
            // At least 8 chunks per thread: a smaller sum is not worth a fork/join.
            Parallelism.forEach(chunks, minimumPerThread: 8) { index in
                let start = index * chunk, end = min(count, start + chunk)
                for i in start..<end { t[i] += s[i] }
            }
        }
    }
}
