/// What a convolution does to its GEMM (or Winograd) result while it is still in cache:
/// `v = v + bias[channel] + residual`, then ReLU if asked. The residual has the output's layout, so
/// the element at output offset `o` pairs with `residual[o]`.
struct ConvolutionEpilogue {
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let relu: Bool

    var isNeeded: Bool { bias != nil || residual != nil || relu }

    /// One pass over a `[rows, columns]` block of output channels `firstChannel ..< +rows` (rows
    /// `rowStride` apart) that starts at output offset `offset`. ReLU is written `v < 0 ? 0 : v`
    /// so NaN propagates as in PyTorch.
    func apply(to output: UnsafeMutablePointer<Float>, offset: Int, firstChannel: Int,
               rows: Int, columns: Int, rowStride: Int) {
        guard isNeeded else { return }
        Parallelism.forEach(rows, minimumPerThread: max(1, 16_384 / max(1, columns))) { row in
            let start = offset + row * rowStride
            applyToLine(output + start, residual: residual.map { $0 + start },
                        bias: bias?[firstChannel + row] ?? 0, count: columns)
        }
    }

    /// The epilogue for one contiguous run of `count` values of one channel, read from `source`
    /// (which may be `line` itself) and written to `line`.
    @inline(__always)
    func applyToLine(_ line: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>? = nil,
                     residual: UnsafePointer<Float>?, bias: Float, count: Int) {
        let input = source ?? UnsafePointer(line)
        switch (residual, relu) {
        case (let residual?, true):
            for j in 0..<count { let v = input[j] + bias + residual[j]; line[j] = v < 0 ? 0 : v }
        case (let residual?, false):
            for j in 0..<count { line[j] = input[j] + bias + residual[j] }
        case (nil, true):
            for j in 0..<count { let v = input[j] + bias; line[j] = v < 0 ? 0 : v }
        case (nil, false):
            for j in 0..<count { line[j] = input[j] + bias }
        }
    }
}
