import CBLAS

/// A fully connected layer, as PyTorch's `F.linear`: `y = x · Wᵀ + b`.
///
/// - Parameters:
///   - x: `[..., in]`; all leading dimensions are flattened into the rows of one GEMM.
///   - weight: `[out, in]` (PyTorch's layout, used transposed in place: no copy).
///   - bias: `[out]`, or `nil`.
///   - fusedReLU: apply `max(·, 0)` to the result, in the same parallel pass as the product.
/// - Returns: `[..., out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, fusedReLU: Bool = false) throws(TensorError) -> Tensor {
    let op = "linear"
    guard weight.rank == 2 else {
        throw .shapeMismatch(op: op, detail: "weight \(weight.shape) must be [out, in]")
    }
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    guard x.rank >= 1 else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) has no feature dimension, weight \(weight.shape) expects \(inFeatures)")
    }
    guard x.shape[x.rank - 1] == inFeatures else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) has \(x.shape[x.rank - 1]) features, weight \(weight.shape) expects \(inFeatures)")
    }
    if let bias, bias.shape != [outFeatures] {
        throw .shapeMismatch(op: op, detail: "bias \(bias.shape) does not match weight \(weight.shape) (expected [\(outFeatures)])")
    }
    try checkBLASSize(op: op, x, weight)
    let rows = x.shape.dropLast().reduce(1, *)
    let outputShape = Array(x.shape.dropLast()) + [outFeatures]
    try checkBLASSize(op: op, shape: outputShape)

    return Tensor(shape: outputShape) { out in
        // The bias goes in first and the GEMM accumulates onto it (beta 1): one pass over the output
        // fewer than adding it afterwards, and no separate zeroing pass inside BLAS.
        guard let c = out.baseAddress else { return }
        if let bias { fillRows(c, rows: rows, with: bias) }
        x.storage.withUnsafeBufferPointer { xs in
            weight.storage.withUnsafeBufferPointer { ws in
                runGEMMs([RowMajorGEMM(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                                       a: xs.baseAddress, lda: inFeatures, b: ws.baseAddress, ldb: inFeatures,
                                       c: c, ldc: outFeatures, accumulate: bias != nil, relu: fusedReLU)])
            }
        }
    }
}

/// Matrix product of the last two dimensions, batched over the leading ones.
///
/// - `a`: `[..., M, K]`.
/// - `b`: `[..., K, N]`, or `[..., N, K]` when `transposeB` (attention's `Q · Kᵀ` without a copy).
/// - Batch dimensions must be equal, or one side may be a plain matrix (rank 2) shared by every
///   batch element. When `b` is shared, the whole batch is one GEMM with `batch · M` rows.
/// - Returns: `[..., M, N]` with the batch dimensions of whichever side has them.
public func matmul(_ a: Tensor, _ b: Tensor, transposeB: Bool = false) throws(TensorError) -> Tensor {
    let op = "matmul"
    guard a.rank >= 2, b.rank >= 2 else {
        throw .shapeMismatch(op: op, detail: "operands \(a.shape) and \(b.shape) must both have rank 2 or more")
    }
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
    let bRows = b.shape[b.rank - 2], bCols = b.shape[b.rank - 1]
    let (bK, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
    guard bK == k else {
        let layout = transposeB ? "[..., N, K] (transposeB)" : "[..., K, N]"
        throw .shapeMismatch(op: op, detail: "a \(a.shape) has K = \(k), b \(b.shape) read as \(layout) has K = \(bK)")
    }
    let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
    guard aBatch == bBatch || aBatch.isEmpty || bBatch.isEmpty else {
        throw .shapeMismatch(op: op, detail: "batch dimensions of a \(a.shape) and b \(b.shape) differ (\(aBatch) vs \(bBatch))")
    }
    let batchShape = aBatch.isEmpty ? bBatch : aBatch
    let batch = batchShape.reduce(1, *)
    let outputShape = batchShape + [m, n]
    try checkBLASSize(op: op, a, b)
    try checkBLASSize(op: op, shape: outputShape)
    let ldb = transposeB ? k : n

    return Tensor(shape: outputShape) { out in
        a.storage.withUnsafeBufferPointer { aBuffer in
            b.storage.withUnsafeBufferPointer { bBuffer in
                guard let ap = aBuffer.baseAddress, let bp = bBuffer.baseAddress, let cp = out.baseAddress else {
                    return  // an empty operand: the output is empty too, or K == 0 handled below
                }
                if bBatch.isEmpty {
                    // Rows of every batch element are contiguous: one GEMM with batch·M rows.
                    runGEMMs([RowMajorGEMM(transposeB: transposeB, m: batch * m, n: n, k: k,
                                           a: ap, lda: k, b: bp, ldb: ldb, c: cp, ldc: n)])
                    return
                }
                runGEMMs((0..<batch).map { index in
                    RowMajorGEMM(transposeB: transposeB, m: m, n: n, k: k,
                                 a: ap + (aBatch.isEmpty ? 0 : index * m * k), lda: k, b: bp + index * k * n, ldb: ldb,
                                 c: cp + index * m * n, ldc: n)
                })
            }
        }
        // K == 0 with a non-empty output: an empty sum is zero.
        if k == 0 { out.update(repeating: 0) }
    }
}

/// Refuses operands that OpenBLAS's 32-bit integer interface cannot address.
private func checkBLASSize(op: String, _ operands: Tensor...) throws(TensorError) {
    for operand in operands { try checkBLASSize(op: op, shape: operand.shape) }
}

private func checkBLASSize(op: String, shape: [Int]) throws(TensorError) {
    guard shape.reduce(1, *) <= Int(Int32.max) else {
        throw .invalidArgument(op: op, detail: "tensor \(shape) has more elements than BLAS's 32-bit indices can address")
    }
}
