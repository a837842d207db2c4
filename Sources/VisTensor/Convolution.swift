import CBLAS

/// 2-D convolution (cross-correlation) as PyTorch's `F.conv2d`, with an optional fused ReLU.
///
/// - Parameters:
///   - x: `[N, C, H, W]` (or unbatched `[C, H, W]`, which gives an unbatched result).
///   - weight: `[OC, C / groups, KH, KW]`.
///   - bias: `[OC]`, or `nil`.
///   - stride, padding, dilation: per (height, width); padding is zeros on both sides.
///   - groups: input and output channels are split into this many independent groups.
///   - residual: a tensor of the output's shape added before the ReLU (ResNet's skip connection),
///     in the same pass as the bias, so `relu(conv + bias + residual)` costs no extra sweep.
///   - fusedReLU: applies `max(·, 0)` in the same pass that adds the bias.
/// - Returns: `[N, OC, OH, OW]` with `OH = (H + 2·padH − dilH·(KH − 1) − 1) / strideH + 1` (floor).
///
/// Strategy (`ConvolutionGeometry.preferredAlgorithm`): 3×3 stride-1 convolutions with at least 32
/// input and output channels use Winograd, F(4×4, 3×3) on large maps and F(2×2, 3×3) on small ones
/// (`WinogradConvolution.swift`); 1×1 stride-1 unpadded convolutions are one GEMM per
/// image and group straight on the input memory; depthwise convolutions (one input channel per
/// group) use a direct loop; everything else goes through im2col in tiles of output rows, so the
/// column buffer stays a few MB. The bias / residual / ReLU pass (`ConvolutionEpilogue`) touches
/// each output tile while it is still in cache.
///
/// Each call transforms Winograd weights anew; models should hold a `PreparedConv2d`, which does
/// that once.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: SpatialPair = 1, padding: SpatialPair = 0, dilation: SpatialPair = 1,
                   groups: Int = 1, residual: Tensor? = nil, fusedReLU: Bool = false) throws(TensorError) -> Tensor {
    try conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
               groups: groups, residual: residual, fusedReLU: fusedReLU, tileBudget: 1 << 20)
}

/// `conv2d` with an explicit tile size: im2col buffers (and pointwise output tiles) stay near
/// `tileBudget` floats, and Winograd bands hold about `tileBudget / 2048` tiles. The public default,
/// 4 MB, is about what a core's cache hierarchy holds; tests pass tiny budgets to exercise the
/// tiling on small fixtures, and force an `algorithm` on fixtures too small to choose it.
func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: SpatialPair, padding: SpatialPair,
            dilation: SpatialPair, groups: Int, residual: Tensor? = nil, fusedReLU: Bool, tileBudget: Int,
            algorithm: ConvolutionAlgorithm? = nil) throws(TensorError) -> Tensor {
    // Checked in the order the geometry checks them, so a bad input is reported before a bad weight.
    guard x.rank == 4 || x.rank == 3 else {
        throw .shapeMismatch(op: "conv2d", detail: "input \(x.shape) must be [N, C, H, W] or [C, H, W]")
    }
    // One-off: the Winograd weights are transformed for this call only (`PreparedConv2d` keeps them).
    let prepared = try PreparedConv2d(weight: weight, bias: bias, stride: stride, padding: padding,
                                      dilation: dilation, groups: groups)
    return try prepared.run(x, residual: residual, fusedReLU: fusedReLU, tileBudget: tileBudget, algorithm: algorithm)
}

/// The validated sizes of one convolution and the ways of computing it (Winograd lives in
/// `WinogradConvolution.swift`).
struct ConvolutionGeometry {
    let batch, channels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padH, padW, dilationH, dilationW, groups: Int
    let outH, outW: Int

    var groupChannels: Int { channels / groups }
    var groupOutChannels: Int { outChannels / groups }
    var inputPlane: Int { height * width }
    var outputPlane: Int { outH * outW }
    /// Rows of the im2col matrix: one per (input channel of the group, kernel row, kernel column).
    var patchSize: Int { groupChannels * kernelH * kernelW }
    var outputShape: [Int] { [batch, outChannels, outH, outW] }

    var isPointwise: Bool { kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0 }
    var isDepthwise: Bool { groups > 1 && groups == channels }

    /// Floats per im2col buffer (and per pointwise output tile, halved); see `conv2d(…, tileBudget:)`.
    var tileBudget = 1 << 20

    init(input: [Int], weight: [Int], bias: [Int]?, stride: SpatialPair, padding: SpatialPair,
         dilation: SpatialPair, groups: Int) throws(TensorError) {
        let op = "conv2d"
        guard input.count == 4 || input.count == 3 else {
            throw .shapeMismatch(op: op, detail: "input \(input) must be [N, C, H, W] or [C, H, W]")
        }
        try Self.validateParameters(weight: weight, bias: bias, stride: stride, padding: padding,
                                    dilation: dilation, groups: groups)
        let full = input.count == 4 ? input : [1] + input
        (batch, channels, height, width) = (full[0], full[1], full[2], full[3])
        (outChannels, kernelH, kernelW) = (weight[0], weight[2], weight[3])
        guard channels == weight[1] * groups else {
            throw .shapeMismatch(op: op, detail: "input \(input) has \(channels) channels, weight \(weight) expects \(weight[1] * groups) with groups \(groups)")
        }
        (strideH, strideW) = (stride.height, stride.width)
        (padH, padW) = (padding.height, padding.width)
        (dilationH, dilationW) = (dilation.height, dilation.width)
        self.groups = groups
        let spanH = dilationH * (kernelH - 1) + 1, spanW = dilationW * (kernelW - 1) + 1
        guard height + 2 * padH >= spanH, width + 2 * padW >= spanW else {
            throw .shapeMismatch(op: op, detail: "input \(input) padded by \(padding) is smaller than the kernel of weight \(weight) dilated by \(dilation)")
        }
        outH = (height + 2 * padH - spanH) / strideH + 1
        outW = (width + 2 * padW - spanW) / strideW + 1
        for (name, count) in [("input", input.reduce(1, *)), ("weight", weight.reduce(1, *)),
                              ("output", batch * outChannels * outH * outW),
                              ("im2col buffer", patchSize * outH * outW)] where count > Int(Int32.max) {
            throw .invalidArgument(op: op, detail: "\(name) of input \(input), weight \(weight) has \(count) elements, more than BLAS's 32-bit indices can address")
        }
    }

    /// The checks that need no input: weight rank, groups, stride, dilation, padding, output
    /// channels divisible by groups, bias shape, non-empty kernel.
    static func validateParameters(weight: [Int], bias: [Int]?, stride: SpatialPair, padding: SpatialPair,
                                   dilation: SpatialPair, groups: Int) throws(TensorError) {
        let op = "conv2d"
        guard weight.count == 4 else {
            throw .shapeMismatch(op: op, detail: "weight \(weight) must be [OC, C / groups, KH, KW]")
        }
        guard groups >= 1 else { throw .invalidArgument(op: op, detail: "groups \(groups) must be at least 1") }
        guard stride.height >= 1, stride.width >= 1 else {
            throw .invalidArgument(op: op, detail: "stride \(stride) must be at least 1")
        }
        guard dilation.height >= 1, dilation.width >= 1 else {
            throw .invalidArgument(op: op, detail: "dilation \(dilation) must be at least 1")
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw .invalidArgument(op: op, detail: "padding \(padding) must not be negative")
        }
        guard weight[0] % groups == 0 else {
            throw .shapeMismatch(op: op, detail: "weight \(weight) has \(weight[0]) output channels, not divisible by groups \(groups)")
        }
        if let bias, bias != [weight[0]] {
            throw .shapeMismatch(op: op, detail: "bias \(bias) does not match weight \(weight) (expected [\(weight[0])])")
        }
        guard weight[2] >= 1, weight[3] >= 1 else {
            throw .shapeMismatch(op: op, detail: "weight \(weight) has an empty kernel")
        }
    }

    /// Whether `algorithm` computes this convolution (im2col computes every one).
    func admits(_ algorithm: ConvolutionAlgorithm) -> Bool {
        switch algorithm {
        case .im2colGEMM: true
        case .pointwiseGEMM: isPointwise
        case .depthwise: isDepthwise
        case .winogradF2x2, .winogradF4x4: admitsWinograd
        }
    }

    /// The fastest algorithm that computes this convolution, as measured on ResNet-50 shapes
    /// (Docs/benchmarks.md). Winograd needs enough channels for its GEMMs to run near peak and
    /// enough tiles to repay its transforms; F(4×4) saves 1.8× more GEMM work than F(2×2) but has
    /// 2.25× the products per tile and a third as many tiles, so it wins only on large maps.
    var preferredAlgorithm: ConvolutionAlgorithm {
        if admitsWinograd, channels >= 32, outChannels >= 32 {
            let f4 = winogradTiles(.f4x4), f2 = winogradTiles(.f2x2)
            if f4.rows * f4.columns >= Self.minimumF4Tiles { return .winogradF4x4 }
            if f2.rows * f2.columns >= 9 { return .winogradF2x2 }
        }
        if isDepthwise { return .depthwise }
        if isPointwise { return .pointwiseGEMM }
        return .im2colGEMM
    }

    /// F(4×4) tiles from which F(4×4) beats F(2×2). Measured single-threaded on ResNet-50's 3×3
    /// layers (64–512 channels), F(4×4) was 10–30 % faster down to 256 channels at 32×43 (88
    /// tiles) and tied at 512 channels at 16×22 (24 tiles).
    static let minimumF4Tiles = 32

    // MARK: 1×1, stride 1, no padding: the input image already is the GEMM's right-hand matrix.

    func pointwise(input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
                   output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue) {
        let m = groupOutChannels, k = groupChannels, plane = outputPlane
        // Without an epilogue one GEMM per plane is best; with one, tiles of the output keep it
        // cache-hot: column tiles on large planes, output-channel tiles on small ones (ResNet's
        // layer4 is 2048 channels of 25×34: 256-column tiles cost it 20 % of sgemm speed).
        let needsEpilogue = epilogue.isNeeded
        let tileFloats = max(1, tileBudget / 2)
        let byChannels = needsEpilogue && plane * min(m, 256) <= tileFloats
        let tileColumns = !needsEpilogue || byChannels ? plane : min(plane, max(min(256, tileBudget), tileFloats / max(1, m)))
        let tileRows = byChannels ? max(1, tileFloats / max(1, plane)) : m
        for image in 0..<batch {
            for group in 0..<groups {
                let a = weight.baseAddress.map { $0 + group * m * k }
                let b = input.baseAddress.map { $0 + (image * channels + group * k) * inputPlane }
                let blockOffset = (image * outChannels + group * m) * plane
                for row in stride(from: 0, to: m, by: tileRows) {
                    let rows = min(tileRows, m - row)
                    for column in stride(from: 0, to: plane, by: tileColumns) {
                        let columns = min(tileColumns, plane - column)
                        let offset = blockOffset + row * plane + column
                        gemmRowMajor(m: rows, n: columns, k: k, a: a.map { $0 + row * k }, lda: k,
                                     b: b.map { $0 + column }, ldb: plane, c: output + offset, ldc: plane)
                        epilogue.apply(to: output, offset: offset, firstChannel: group * m + row,
                                       rows: rows, columns: columns, rowStride: plane)
                    }
                }
            }
        }
    }

    // MARK: General case: im2col over a tile of output rows, then one GEMM per tile.

    func im2colGEMM(input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
                    output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue) {
        let m = groupOutChannels, k = patchSize, plane = outputPlane
        let tileRows = max(1, min(outH, tileBudget / max(1, k * outW)))
        var columns = [Float](repeating: 0, count: k * tileRows * outW)
        columns.withUnsafeMutableBufferPointer { columnBuffer in
            guard let col = columnBuffer.baseAddress else { return }
            for image in 0..<batch {
                for group in 0..<groups {
                    let source = input.baseAddress.map { $0 + (image * channels + group * groupChannels) * inputPlane }
                    let a = weight.baseAddress.map { $0 + group * m * k }
                    let blockOffset = (image * outChannels + group * m) * plane
                    for row in stride(from: 0, to: outH, by: tileRows) {
                        let rows = min(tileRows, outH - row)
                        let n = rows * outW
                        if let source { im2col(source, firstRow: row, rows: rows, into: col) }
                        gemmRowMajor(m: m, n: n, k: k, a: a, lda: k, b: UnsafePointer(col), ldb: n,
                                     c: output + blockOffset + row * outW, ldc: plane)
                        epilogue.apply(to: output, offset: blockOffset + row * outW, firstChannel: group * m,
                                       rows: m, columns: n, rowStride: plane)
                    }
                }
            }
        }
    }

    /// Writes the `[patchSize, rows · outW]` patch matrix of output rows `firstRow ..< firstRow + rows`
    /// for one group's channels starting at `source`. Each task fills whole patch rows, which are
    /// contiguous runs (straight copies when the stride is 1).
    private func im2col(_ source: UnsafePointer<Float>, firstRow: Int, rows: Int, into col: UnsafeMutablePointer<Float>) {
        let n = rows * outW, kernelArea = kernelH * kernelW
        Parallelism.forEach(patchSize, minimumPerThread: max(1, 16_384 / max(1, n))) { patchRow in
            let channel = patchRow / kernelArea
            let ky = (patchRow % kernelArea) / kernelW, kx = patchRow % kernelW
            let plane = source + channel * inputPlane
            let offsetX = kx * dilationW - padW
            let (lo, hi) = windowedOutputRange(offset: offsetX, stride: strideW, inputSize: width, outputSize: outW)
            let destinationRow = col + patchRow * n
            for t in 0..<rows {
                let destination = destinationRow + t * outW
                let iy = (firstRow + t) * strideH - padH + ky * dilationH
                guard iy >= 0, iy < height else {
                    destination.update(repeating: 0, count: outW)
                    continue
                }
                let line = plane + iy * width
                if lo > 0 { destination.update(repeating: 0, count: lo) }
                switch strideW {
                case 1: (destination + lo).update(from: line + (lo + offsetX), count: hi - lo)
                // A constant stride lets the compiler vectorise the gather (stride-2 3×3, the 7×7/2 stem).
                case 2: for ox in lo..<hi { destination[ox] = line[ox &* 2 &+ offsetX] }
                default: for ox in lo..<hi { destination[ox] = line[ox * strideW + offsetX] }
                }
                if hi < outW { (destination + hi).update(repeating: 0, count: outW - hi) }
            }
        }
    }

    // MARK: Depthwise (groups == channels): a direct loop per output plane.

    func depthwise(input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
                   output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue) {
        guard let inputBase = input.baseAddress, let weightBase = weight.baseAddress else { return }
        let multiplier = outChannels / channels, kernelArea = kernelH * kernelW
        let ranges = (0..<kernelW).map { kx in
            windowedOutputRange(offset: kx * dilationW - padW, stride: strideW, inputSize: width, outputSize: outW)
        }
        Parallelism.forEach(batch * outChannels, minimumPerThread: max(1, 8_192 / max(1, outputPlane * kernelArea))) { planeIndex in
            let image = planeIndex / outChannels, outChannel = planeIndex % outChannels
            let source = inputBase + (image * channels + outChannel / multiplier) * inputPlane
            let kernel = weightBase + outChannel * kernelArea
            let destination = output + planeIndex * outputPlane
            destination.update(repeating: 0, count: outputPlane)
            for oy in 0..<outH {
                let row = destination + oy * outW
                for ky in 0..<kernelH {
                    let iy = oy * strideH - padH + ky * dilationH
                    guard iy >= 0, iy < height else { continue }
                    let line = source + iy * width
                    for kx in 0..<kernelW {
                        let w = kernel[ky * kernelW + kx]
                        let offsetX = kx * dilationW - padW
                        let (lo, hi) = ranges[kx]
                        for ox in lo..<hi { row[ox] += w * line[ox * strideW + offsetX] }
                    }
                }
                if epilogue.isNeeded {
                    let offset = planeIndex * outputPlane + oy * outW
                    epilogue.applyToLine(row, residual: epilogue.residual.map { $0 + offset },
                                         bias: epilogue.bias?[outChannel] ?? 0, count: outW)
                }
            }
        }
    }
}

/// Row-major `C = A · B` (beta 0); an empty reduction (K == 0) writes zeros.
func gemmRowMajor(m: Int, n: Int, k: Int, a: UnsafePointer<Float>?, lda: Int,
                          b: UnsafePointer<Float>?, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    guard k > 0, let a, let b else {
        for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) }
        return
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                1, a, blasint(lda), b, blasint(ldb), 0, c, blasint(ldc))
}
