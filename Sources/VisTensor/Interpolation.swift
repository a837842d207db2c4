// Resizing [N, C, H, W] feature maps as F.interpolate does: bilinear (antialias=False) and legacy nearest.

/// `F.interpolate(x, size: (height, width), mode: "bilinear", align_corners: alignCorners)` for
/// `x` of shape `[N, C, H, W]` (no antialiasing, also when shrinking).
public func interpolateBilinear(_ x: Tensor, size: (height: Int, width: Int), alignCorners: Bool) throws(TensorError) -> Tensor {
    let op = "interpolateBilinear"
    let (h, w) = try featureMapSize(x, op: op)
    try checkOutputSize(size.height, size.width, input: x.shape, op: op)
    return resampleBilinear(x,
                            rows: linearTaps(input: h, output: size.height, scaleFactor: nil, alignCorners: alignCorners),
                            columns: linearTaps(input: w, output: size.width, scaleFactor: nil, alignCorners: alignCorners))
}

/// `F.interpolate(x, scale_factor: (height, width), mode: "bilinear", align_corners: alignCorners)`:
/// the output is `floor(H * sh) × floor(W * sw)`, and — as in torch without `recompute_scale_factor` —
/// source positions use `1 / scale` rather than the ratio of the sizes.
public func interpolateBilinear(_ x: Tensor, scaleFactor: (height: Double, width: Double), alignCorners: Bool) throws(TensorError) -> Tensor {
    let op = "interpolateBilinear"
    let (h, w) = try featureMapSize(x, op: op)
    let (outH, outW) = try scaledSize(h, w, scaleFactor, input: x.shape, op: op)
    return resampleBilinear(x,
                            rows: linearTaps(input: h, output: outH, scaleFactor: scaleFactor.height, alignCorners: alignCorners),
                            columns: linearTaps(input: w, output: outW, scaleFactor: scaleFactor.width, alignCorners: alignCorners))
}

/// `F.interpolate(x, size: (height, width), mode: "nearest")` for `[N, C, H, W]`: torch's legacy
/// rule, source index `min(floor(dst * H / outH), H - 1)`. Suited to masks stored as 0/1 floats.
public func interpolateNearest(_ x: Tensor, size: (height: Int, width: Int)) throws(TensorError) -> Tensor {
    let op = "interpolateNearest"
    let (h, w) = try featureMapSize(x, op: op)
    try checkOutputSize(size.height, size.width, input: x.shape, op: op)
    return resampleNearest(x, rows: nearestIndices(input: h, output: size.height, scaleFactor: nil),
                           columns: nearestIndices(input: w, output: size.width, scaleFactor: nil))
}

/// `F.interpolate(x, scale_factor: (height, width), mode: "nearest")`: output `floor(H * sh) × floor(W * sw)`,
/// source index `min(floor(dst / scale), H - 1)`.
public func interpolateNearest(_ x: Tensor, scaleFactor: (height: Double, width: Double)) throws(TensorError) -> Tensor {
    let op = "interpolateNearest"
    let (h, w) = try featureMapSize(x, op: op)
    let (outH, outW) = try scaledSize(h, w, scaleFactor, input: x.shape, op: op)
    return resampleNearest(x, rows: nearestIndices(input: h, output: outH, scaleFactor: scaleFactor.height),
                           columns: nearestIndices(input: w, output: outW, scaleFactor: scaleFactor.width))
}

// MARK: - Implementation

private func featureMapSize(_ x: Tensor, op: String) throws(TensorError) -> (Int, Int) {
    guard x.rank == 4 else { throw .shapeMismatch(op: op, detail: "input \(x.shape) is not [N, C, H, W]") }
    guard x.shape[2] > 0, x.shape[3] > 0 else { throw .invalidArgument(op: op, detail: "input \(x.shape) has an empty spatial size") }
    return (x.shape[2], x.shape[3])
}

private func checkOutputSize(_ h: Int, _ w: Int, input: [Int], op: String) throws(TensorError) {
    guard h > 0, w > 0 else {
        throw .invalidArgument(op: op, detail: "output size (\(h), \(w)) for input \(input) must be positive")
    }
}

private func scaledSize(_ h: Int, _ w: Int, _ scale: (height: Double, width: Double), input: [Int], op: String) throws(TensorError) -> (Int, Int) {
    guard scale.height > 0, scale.width > 0, scale.height.isFinite, scale.width.isFinite,
          Double(h) * scale.height < 1e9, Double(w) * scale.width < 1e9 else {
        throw .invalidArgument(op: op, detail: "scale factor (\(scale.height), \(scale.width)) for input \(input) must be positive and finite")
    }
    let outH = Int((Double(h) * scale.height).rounded(.down)), outW = Int((Double(w) * scale.width).rounded(.down))
    try checkOutputSize(outH, outW, input: input, op: op)
    return (outH, outW)
}

/// Source-coordinate scale as torch computes it in float: `(in - 1) / (out - 1)` with aligned
/// corners, else `1 / scaleFactor` when one was given, else `in / out`.
private func sourceScale(input: Int, output: Int, scaleFactor: Double?, alignCorners: Bool) -> Float {
    if alignCorners { return output > 1 ? Float(input - 1) / Float(output - 1) : 0 }
    if let scaleFactor { return Float(1.0 / scaleFactor) }
    return Float(input) / Float(output)
}

/// The two source indices and weights that one output position blends.
private struct LinearTap { let first: Int, second: Int, firstWeight: Float, secondWeight: Float }

private func linearTaps(input: Int, output: Int, scaleFactor: Double?, alignCorners: Bool) -> [LinearTap] {
    let scale = sourceScale(input: input, output: output, scaleFactor: scaleFactor, alignCorners: alignCorners)
    return (0..<output).map { dst in
        // Half-pixel centres unless corners are aligned; positions left of the first centre clamp to it.
        let source = alignCorners ? scale * Float(dst) : max(scale * (Float(dst) + 0.5) - 0.5, 0)
        let first = min(Int(source), input - 1)
        let second = first + (first < input - 1 ? 1 : 0)
        let secondWeight = min(max(source - Float(first), 0), 1)
        return LinearTap(first: first, second: second, firstWeight: 1 - secondWeight, secondWeight: secondWeight)
    }
}

private func nearestIndices(input: Int, output: Int, scaleFactor: Double?) -> [Int] {
    if output == input { return Array(0..<output) }
    let scale = sourceScale(input: input, output: output, scaleFactor: scaleFactor, alignCorners: false)
    return (0..<output).map { dst in min(Int((Float(dst) * scale).rounded(.down)), input - 1) }
}

private func resampleBilinear(_ x: Tensor, rows: [LinearTap], columns: [LinearTap]) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (outH, outW) = (rows.count, columns.count)
    return Tensor(shape: [n, c, outH, outW]) { out in
        let dst = out.baseAddress!
        x.storage.withUnsafeBufferPointer { source in
            let src = source.baseAddress!
            Parallelism.forEach(n * c * outH, minimumPerThread: max(1, elementwiseGrain / (4 * outW))) { job in
                let plane = job / outH, oy = job % outH
                let r = rows[oy]
                let top = src + plane * h * w + r.first * w
                let bottom = src + plane * h * w + r.second * w
                let o = dst + job * outW
                for ox in 0..<outW {
                    let t = columns[ox]
                    o[ox] = r.firstWeight * (t.firstWeight * top[t.first] + t.secondWeight * top[t.second])
                          + r.secondWeight * (t.firstWeight * bottom[t.first] + t.secondWeight * bottom[t.second])
                }
            }
        }
    }
}

private func resampleNearest(_ x: Tensor, rows: [Int], columns: [Int]) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (outH, outW) = (rows.count, columns.count)
    return Tensor(shape: [n, c, outH, outW]) { out in
        let dst = out.baseAddress!
        x.storage.withUnsafeBufferPointer { source in
            let src = source.baseAddress!
            Parallelism.forEach(n * c * outH, minimumPerThread: max(1, elementwiseGrain / outW)) { job in
                let plane = job / outH, oy = job % outH
                let line = src + plane * h * w + rows[oy] * w
                let o = dst + job * outW
                for ox in 0..<outW { o[ox] = line[columns[ox]] }
            }
        }
    }
}
