// Bilinear sampling of [N, C, H, W] maps at normalised grid positions, as F.grid_sample.

/// What `gridSample` reads for positions outside the input.
public enum GridSamplePadding: Sendable, Equatable {
    /// Out-of-range neighbours count as zero (torch `padding_mode="zeros"`).
    case zeros
    /// Positions are clamped to the edge pixels (torch `padding_mode="border"`).
    case border
}

/// `F.grid_sample(x, grid, mode: "bilinear", padding_mode:, align_corners:)`.
///
/// - Parameters:
///   - x: `[N, C, H, W]`.
///   - grid: `[N, Ho, Wo, 2]`; `grid[..., 0]` is x (width) and `grid[..., 1]` is y (height), both in
///     `[-1, 1]` across the input. With `alignCorners == false` (torch's default) -1 and 1 are the outer
///     edges of the corner pixels; with `true` they are the corner pixel centres.
/// - Returns: `[N, C, Ho, Wo]`.
///
/// Non-finite grid coordinates sample zero in both padding modes (torch leaves them unspecified).
public func gridSample(_ x: Tensor, grid: Tensor, paddingMode: GridSamplePadding = .zeros,
                       alignCorners: Bool = false) throws(TensorError) -> Tensor {
    let op = "gridSample"
    guard x.rank == 4 else { throw .shapeMismatch(op: op, detail: "input \(x.shape) is not [N, C, H, W]") }
    guard grid.rank == 4, grid.shape[3] == 2, grid.shape[0] == x.shape[0] else {
        throw .shapeMismatch(op: op, detail: "grid \(grid.shape) is not [\(x.shape[0]), Ho, Wo, 2] for input \(x.shape)")
    }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (outH, outW) = (grid.shape[1], grid.shape[2])
    guard h > 0, w > 0 else {
        if n * c * outH * outW == 0 { return Tensor(zeros: [n, c, outH, outW]) }
        throw .invalidArgument(op: op, detail: "input \(x.shape) has an empty spatial size")
    }

    return Tensor(shape: [n, c, outH, outW]) { out in
        let dst = out.baseAddress!
        x.storage.withUnsafeBufferPointer { source in
            grid.storage.withUnsafeBufferPointer { gridBuffer in
                let src = source.baseAddress!, positions = gridBuffer.baseAddress!
                Parallelism.forEach(n * outH, minimumPerThread: max(1, elementwiseGrain / max(1, 4 * outW * c))) { job in
                    let batch = job / outH, oy = job % outH
                    // The four neighbours of each output point of this row, as in-plane offsets with
                    // weights (weight 0 for a neighbour outside the input), reused for every channel.
                    var offsets = [Int](repeating: 0, count: 4 * outW)
                    var weights = [Float](repeating: 0, count: 4 * outW)
                    let row = positions + job * outW * 2
                    for ox in 0..<outW {
                        guard let ix = sourceCoordinate(row[2 * ox], size: w, paddingMode: paddingMode, alignCorners: alignCorners),
                              let iy = sourceCoordinate(row[2 * ox + 1], size: h, paddingMode: paddingMode, alignCorners: alignCorners)
                        else { continue }
                        let x0 = ix.rounded(.down), y0 = iy.rounded(.down)
                        let tx = ix - x0, ty = iy - y0
                        let left = Int(x0), top = Int(y0)
                        // Corners in the order north-west, north-east, south-west, south-east.
                        for k in 0..<4 {
                            let cx = left + (k & 1), cy = top + (k >> 1)
                            guard cx >= 0, cx < w, cy >= 0, cy < h else { continue }
                            offsets[4 * ox + k] = cy * w + cx
                            weights[4 * ox + k] = ((k & 1) == 1 ? tx : 1 - tx) * ((k >> 1) == 1 ? ty : 1 - ty)
                        }
                    }
                    for channel in 0..<c {
                        let plane = src + (batch * c + channel) * h * w
                        let o = dst + ((batch * c + channel) * outH + oy) * outW
                        for ox in 0..<outW {
                            let k = 4 * ox
                            o[ox] = weights[k] * plane[offsets[k]] + weights[k + 1] * plane[offsets[k + 1]]
                                  + weights[k + 2] * plane[offsets[k + 2]] + weights[k + 3] * plane[offsets[k + 3]]
                        }
                    }
                }
            }
        }
    }
}

/// Pixel coordinate of a normalised grid coordinate, or nil when it cannot touch the input
/// (non-finite, or — with zero padding — more than one pixel outside), so that later integer
/// conversions cannot overflow.
@inline(__always)
private func sourceCoordinate(_ normalised: Float, size: Int, paddingMode: GridSamplePadding, alignCorners: Bool) -> Float? {
    guard normalised.isFinite else { return nil }
    var coordinate = alignCorners ? (normalised + 1) / 2 * Float(size - 1) : ((normalised + 1) * Float(size) - 1) / 2
    switch paddingMode {
    case .zeros:
        guard coordinate > -1, coordinate < Float(size) else { return nil }
    case .border:
        coordinate = min(max(coordinate, 0), Float(size - 1))
    }
    return coordinate
}
