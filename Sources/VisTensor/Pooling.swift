/// 2-D max pooling as PyTorch's `F.max_pool2d`: padding counts as −∞ and NaN propagates.
///
/// - Parameters:
///   - x: `[N, C, H, W]` or `[C, H, W]`.
///   - kernelSize: window size; `stride` defaults to it.
///   - padding: at most half the dilated window on each side.
///   - ceilMode: rounds the output size up, but a window must still start inside the input or
///     its left/top padding (PyTorch's rule).
public func maxPool2d(_ x: Tensor, kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0,
                      dilation: SpatialPair = 1, ceilMode: Bool = false) throws(TensorError) -> Tensor {
    let pool = try PoolingWindows(op: "maxPool2d", input: x.shape, kernel: kernelSize, stride: stride ?? kernelSize,
                                  padding: padding, dilation: dilation, ceilMode: ceilMode)
    // Row at a time: for each kernel tap, one check-free run over the output columns it reaches.
    let columnRanges = (0..<pool.kernelW).map { kx in
        windowedOutputRange(offset: kx * pool.dilationW - pool.padW, stride: pool.strideW,
                            inputSize: pool.width, outputSize: pool.outW)
    }
    return pool.mapRows(x) { plane, oy, row in
        row.update(repeating: -.infinity)
        for ky in 0..<pool.kernelH {
            let iy = oy * pool.strideH - pool.padH + ky * pool.dilationH
            guard iy >= 0, iy < pool.height else { continue }
            let line = plane + iy * pool.width
            for kx in 0..<pool.kernelW {
                let offset = kx * pool.dilationW - pool.padW
                let (lo, hi) = columnRanges[kx]
                guard lo < hi, let destination = row.baseAddress else { continue }
                // Constant strides let the compiler vectorise the strided reads (ResNet's pool is 3×3/2).
                switch pool.strideW {
                case 1: maximumInto(destination, from: line + offset, lo: lo, hi: hi, stride: 1)
                case 2: maximumInto(destination, from: line + offset, lo: lo, hi: hi, stride: 2)
                default: maximumInto(destination, from: line + offset, lo: lo, hi: hi, stride: pool.strideW)
                }
            }
        }
    }
}

/// `row[o] = max(row[o], source[o · stride])` for `o` in `lo ..< hi`; NaN wins, as in PyTorch.
/// Written without branches or overflow checks so that it vectorises: `v > best` and `v` being NaN
/// exclude each other, so `!=` is their `||`.
@inline(__always)
private func maximumInto(_ row: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, lo: Int, hi: Int, stride: Int) {
    for ox in lo..<hi {
        let v = source[ox &* stride], best = row[ox]
        row[ox] = ((v > best) != v.isNaN) ? v : best
    }
}

/// 2-D average pooling as PyTorch's `F.avg_pool2d`.
///
/// - `countIncludePad`: divide by the window size clipped to the padded input (PyTorch's default)
///   rather than by the number of real input elements in the window.
/// - `divisorOverride`: when set, the divisor for every window.
/// - `ceilMode`: as in `maxPool2d`; windows running past the right/bottom padding are clipped there.
public func avgPool2d(_ x: Tensor, kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0,
                      ceilMode: Bool = false, countIncludePad: Bool = true,
                      divisorOverride: Int? = nil) throws(TensorError) -> Tensor {
    if let divisorOverride, divisorOverride == 0 {
        throw .invalidArgument(op: "avgPool2d", detail: "divisorOverride must not be zero")
    }
    let pool = try PoolingWindows(op: "avgPool2d", input: x.shape, kernel: kernelSize, stride: stride ?? kernelSize,
                                  padding: padding, dilation: 1, ceilMode: ceilMode)
    return pool.mapRows(x) { plane, oy, row in
        for ox in 0..<row.count { row[ox] = averageWindow(plane, oy, ox) }
    }

    func averageWindow(_ plane: UnsafePointer<Float>, _ oy: Int, _ ox: Int) -> Float {
        let y0 = oy * pool.strideH - pool.padH, x0 = ox * pool.strideW - pool.padW
        let y1 = min(y0 + pool.kernelH, pool.height + pool.padH), x1 = min(x0 + pool.kernelW, pool.width + pool.padW)
        let paddedArea = (y1 - y0) * (x1 - x0)
        let top = max(y0, 0), left = max(x0, 0), bottom = min(y1, pool.height), right = min(x1, pool.width)
        guard top < bottom, left < right else { return 0 }
        var sum: Float = 0
        for iy in top..<bottom {
            for ix in left..<right { sum += plane[iy * pool.width + ix] }
        }
        let divisor = divisorOverride ?? (countIncludePad ? paddedArea : (bottom - top) * (right - left))
        return sum / Float(divisor)
    }
}

/// Adaptive average pooling as PyTorch's `F.adaptive_avg_pool2d`: output cell `i` averages input
/// rows `floor(i·H / OH) ..< ceil((i + 1)·H / OH)` (likewise for columns), so windows overlap when
/// the sizes do not divide.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: SpatialPair) throws(TensorError) -> Tensor {
    let op = "adaptiveAvgPool2d"
    guard x.rank == 3 || x.rank == 4 else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) must be [N, C, H, W] or [C, H, W]")
    }
    guard outputSize.height >= 1, outputSize.width >= 1 else {
        throw .invalidArgument(op: op, detail: "output size \(outputSize) must be at least 1")
    }
    let height = x.shape[x.rank - 2], width = x.shape[x.rank - 1]
    guard height >= 1, width >= 1 else {
        throw .shapeMismatch(op: op, detail: "input \(x.shape) has an empty spatial dimension")
    }
    let outH = outputSize.height, outW = outputSize.width
    let planes = x.shape.dropLast(2).reduce(1, *)
    return Tensor(shape: Array(x.shape.dropLast(2)) + [outH, outW]) { out in
        x.storage.withUnsafeBufferPointer { input in
            Parallelism.forEach(planes, minimumPerThread: max(1, 16_384 / (height * width))) { p in
                let plane = input.baseAddress! + p * height * width
                for oy in 0..<outH {
                    let top = oy * height / outH, bottom = ((oy + 1) * height + outH - 1) / outH
                    for ox in 0..<outW {
                        let left = ox * width / outW, right = ((ox + 1) * width + outW - 1) / outW
                        var sum: Float = 0
                        for iy in top..<bottom {
                            for ix in left..<right { sum += plane[iy * width + ix] }
                        }
                        out[(p * outH + oy) * outW + ox] = sum / Float((bottom - top) * (right - left))
                    }
                }
            }
        }
    }
}

/// Validated window geometry shared by max and average pooling.
private struct PoolingWindows {
    let height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW: Int
    let leadingShape: [Int]

    init(op: String, input: [Int], kernel: SpatialPair, stride: SpatialPair, padding: SpatialPair,
         dilation: SpatialPair, ceilMode: Bool) throws(TensorError) {
        guard input.count == 3 || input.count == 4 else {
            throw .shapeMismatch(op: op, detail: "input \(input) must be [N, C, H, W] or [C, H, W]")
        }
        guard kernel.height >= 1, kernel.width >= 1 else { throw .invalidArgument(op: op, detail: "kernel size \(kernel) must be at least 1") }
        guard stride.height >= 1, stride.width >= 1 else { throw .invalidArgument(op: op, detail: "stride \(stride) must be at least 1") }
        guard dilation.height >= 1, dilation.width >= 1 else { throw .invalidArgument(op: op, detail: "dilation \(dilation) must be at least 1") }
        let spanH = dilation.height * (kernel.height - 1) + 1, spanW = dilation.width * (kernel.width - 1) + 1
        guard padding.height >= 0, padding.width >= 0, padding.height <= spanH / 2, padding.width <= spanW / 2 else {
            throw .invalidArgument(op: op, detail: "padding \(padding) must be between 0 and half the window (kernel \(kernel), dilation \(dilation))")
        }
        height = input[input.count - 2]
        width = input[input.count - 1]
        leadingShape = Array(input.dropLast(2))
        (kernelH, kernelW) = (kernel.height, kernel.width)
        (strideH, strideW) = (stride.height, stride.width)
        (padH, padW) = (padding.height, padding.width)
        (dilationH, dilationW) = (dilation.height, dilation.width)
        outH = Self.outputSize(input: height, pad: padH, span: spanH, stride: strideH, ceilMode: ceilMode)
        outW = Self.outputSize(input: width, pad: padW, span: spanW, stride: strideW, ceilMode: ceilMode)
        guard outH >= 1, outW >= 1 else {
            throw .shapeMismatch(op: op, detail: "input \(input) padded by \(padding) is too small for kernel \(kernel) with dilation \(dilation) (output would be \(outH)x\(outW))")
        }
    }

    /// PyTorch's rule: floor (or ceil) of the window count, dropping a last window that would start
    /// inside the right padding.
    static func outputSize(input: Int, pad: Int, span: Int, stride: Int, ceilMode: Bool) -> Int {
        let numerator = input + 2 * pad - span + (ceilMode ? stride - 1 : 0)
        var size = floorDivide(numerator, stride) + 1
        if ceilMode, (size - 1) * stride >= input + pad { size -= 1 }
        return size
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Fills every output row with `fill(plane, oy, row)`, planes in parallel.
    func mapRows(_ x: Tensor, _ fill: (UnsafePointer<Float>, Int, UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let planes = leadingShape.reduce(1, *)
        let (height, width, outH, outW) = (height, width, outH, outW)
        return Tensor(shape: leadingShape + [outH, outW]) { out in
            x.storage.withUnsafeBufferPointer { input in
                Parallelism.forEach(planes, minimumPerThread: max(1, 4_096 / max(1, outH * outW * kernelH * kernelW))) { p in
                    let plane = input.baseAddress! + p * height * width
                    for oy in 0..<outH {
                        fill(plane, oy, UnsafeMutableBufferPointer(rebasing: out[((p * outH + oy) * outW)..<((p * outH + oy + 1) * outW)]))
                    }
                }
            }
        }
    }
}
