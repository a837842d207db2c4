// Winograd convolution for 3×3 stride-1 layers: each m×m output tile comes from an α×α input tile
// (α = m + 2) with α² multiplications per (input channel, output channel) instead of 9·m², and the
// α² products of a tile are independent, which turns the convolution into α² GEMMs
// `U[i] [OC × C] · V[i] [C × tiles]`. Two variants: F(2×2, 3×3) (this file; 2.25× fewer GEMM
// flops, transforms that only add and halve, a few ulps from direct convolution) and F(4×4, 3×3)
// (`WinogradF4x4.swift`; 4× fewer GEMM flops, ~10× the rounding error, still ≤ 1e-5 relative).
// `PreparedConv2d` transforms the weights once per variant and picks the variant per input size.

/// The Winograd variants implemented for 3×3 stride-1 convolutions.
enum WinogradVariant: Sendable, CaseIterable {
    /// F(2×2, 3×3): 4×4 input tiles, 16 GEMMs.
    case f2x2
    /// F(4×4, 3×3): 6×6 input tiles, 36 GEMMs.
    case f4x4

    /// Side of the output tile (m).
    var outputTile: Int { self == .f2x2 ? 2 : 4 }
    /// Side of the input tile (α = m + 2).
    var inputTile: Int { outputTile + 2 }
    /// Independent products per tile, one GEMM each (α²).
    var slices: Int { inputTile * inputTile }
}

/// Weights in the Winograd domain, `U = G g Gᵀ` for every (output channel, input channel) pair,
/// laid out `[α², OC, C]` so that each slice is one GEMM's left-hand matrix.
struct WinogradWeights: Sendable {
    let variant: WinogradVariant
    let outChannels: Int
    let inChannels: Int
    let values: [Float]

    /// Transforms `[OC, C, 3, 3]` weights (the caller has checked the shape). Output channels are
    /// split across threads: at 512 × 512 channels this is 262,144 small transforms.
    init(weight: Tensor, variant: WinogradVariant) {
        let outChannels = weight.shape[0], inChannels = weight.shape[1]
        self.variant = variant
        self.outChannels = outChannels
        self.inChannels = inChannels
        let pairs = outChannels * inChannels, slices = variant.slices
        values = [Float](unsafeUninitializedCapacity: slices * pairs) { u, initialized in
            weight.storage.withUnsafeBufferPointer { w in
                let source = w.baseAddress!, destination = u.baseAddress!
                Parallelism.forEach(outChannels, minimumPerThread: max(1, 8_192 / max(1, inChannels))) { outChannel in
                    for pair in (outChannel * inChannels)..<((outChannel + 1) * inChannels) {
                        switch variant {
                        case .f2x2: Self.transformKernelF2(source + pair * 9, into: destination + pair, sliceStride: pairs)
                        case .f4x4: Self.transformKernelF4(source + pair * 9, into: destination + pair, sliceStride: pairs)
                        }
                    }
                }
            }
            initialized = slices * pairs
        }
    }

    /// F(2×2): `U = G g Gᵀ` for one 3×3 kernel; element `4·row + column` goes to
    /// `destination[(4·row + column) · sliceStride]`.
    @inline(__always)
    private static func transformKernelF2(_ g: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                                          sliceStride: Int) {
        // G g, per kernel column: g0, (g0 + g1 + g2) / 2, (g0 − g1 + g2) / 2, g2.
        func columnCombination(_ column: Int) -> (Float, Float, Float, Float) {
            let g0 = g[column], g1 = g[3 + column], g2 = g[6 + column]
            return (g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
        }
        let c0 = columnCombination(0), c1 = columnCombination(1), c2 = columnCombination(2)
        // (G g) Gᵀ: the same combination along each row.
        func store(row: Int, _ a: Float, _ b: Float, _ c: Float) {
            let base = destination + 4 * row * sliceStride
            base[0] = a
            base[sliceStride] = 0.5 * (a + b + c)
            base[2 * sliceStride] = 0.5 * (a - b + c)
            base[3 * sliceStride] = c
        }
        store(row: 0, c0.0, c1.0, c2.0)
        store(row: 1, c0.1, c1.1, c2.1)
        store(row: 2, c0.2, c1.2, c2.2)
        store(row: 3, c0.3, c1.3, c2.3)
    }
}

extension ConvolutionGeometry {
    /// Winograd computes this convolution exactly (up to rounding): 3×3, stride 1, no dilation, one group.
    var admitsWinograd: Bool {
        kernelH == 3 && kernelW == 3 && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 && groups == 1
    }

    func winogradTiles(_ variant: WinogradVariant) -> (rows: Int, columns: Int) {
        let m = variant.outputTile
        return ((outH + m - 1) / m, (outW + m - 1) / m)
    }

    /// Output rows are processed in bands of tile rows. F(2×2) takes about 512 tiles per band with
    /// the default budget (`tileBudget / 2048`): measured on ResNet shapes, fewer tiles make the 16
    /// GEMMs too narrow to run near peak, and more push the transformed input and products out of
    /// cache (64-channel layers at 200×267 ran 2× slower with 2,000-tile bands). F(4×4) holds
    /// 36 slices per tile, so its bands are sized by buffer size instead: about `tileBudget` floats
    /// for the transformed input and products together (~200 tiles at 64 channels: 64-channel
    /// layers at 200×267 ran 1.5× slower with 500-tile bands), but never under 192 tiles, below
    /// which the GEMMs of 256- and 512-channel layers get too narrow (1.5× slower at 27 tiles).
    /// Both scale with the budget, so the tests' tiny budgets give one tile row per band.
    func winogradBandRows(_ variant: WinogradVariant) -> Int {
        let tiles = winogradTiles(variant)
        let bandTiles = variant == .f2x2 ? tileBudget / 2048
            : max(tileBudget / winogradF4MinimumBandDivisor, tileBudget / (36 * (channels + outChannels)))
        return max(1, min(tiles.rows, bandTiles / tiles.columns))
    }

    func winograd(input: UnsafeBufferPointer<Float>, weights: WinogradWeights,
                  output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue) {
        guard let inputBase = input.baseAddress else { return }
        let variant = weights.variant, slices = variant.slices
        let bandRows = winogradBandRows(variant), (tilesH, tilesW) = winogradTiles(variant)
        let bandTiles = bandRows * tilesW
        var transformedInput = [Float](repeating: 0, count: slices * channels * bandTiles)
        // Slack: the F(4×4) output transform reads products four tiles at a time past a row's end.
        var products = [Float](repeating: 0, count: slices * outChannels * bandTiles + winogradF4VectorSlack)
        transformedInput.withUnsafeMutableBufferPointer { vBuffer in
            products.withUnsafeMutableBufferPointer { mBuffer in
                weights.values.withUnsafeBufferPointer { uBuffer in
                    let v = vBuffer.baseAddress!, m = mBuffer.baseAddress!, u = uBuffer.baseAddress!
                    for image in 0..<batch {
                        let source = inputBase + image * channels * inputPlane
                        let imageOffset = image * outChannels * outputPlane
                        for firstRow in stride(from: 0, to: tilesH, by: bandRows) {
                            let rows = min(bandRows, tilesH - firstRow), tiles = rows * tilesW
                            Parallelism.forEach(channels, minimumPerThread: max(1, 4_096 / max(1, tiles))) { channel in
                                let plane = source + channel * inputPlane, destination = v + channel * tiles
                                switch variant {
                                case .f2x2:
                                    transformInputTilesF2(plane, firstTileRow: firstRow, tileRows: rows,
                                                          into: destination, sliceStride: channels * tiles)
                                case .f4x4:
                                    transformInputTilesF4(plane, firstTileRow: firstRow, tileRows: rows,
                                                          into: destination, sliceStride: channels * tiles)
                                }
                            }
                            for i in 0..<slices {
                                gemmRowMajor(m: outChannels, n: tiles, k: channels,
                                             a: u + i * outChannels * channels, lda: channels,
                                             b: v + i * channels * tiles, ldb: tiles,
                                             c: m + i * outChannels * tiles, ldc: tiles)
                            }
                            Parallelism.forEach(outChannels, minimumPerThread: max(1, 4_096 / max(1, tiles))) { outChannel in
                                let planeOffset = imageOffset + outChannel * outputPlane
                                let products = m + outChannel * tiles, plane = output + planeOffset
                                let residual = epilogue.residual.map { $0 + planeOffset }
                                switch variant {
                                case .f2x2:
                                    transformOutputTilesF2(products, sliceStride: outChannels * tiles, firstTileRow: firstRow,
                                                           tileRows: rows, epilogue: epilogue, channel: outChannel,
                                                           into: plane, residual: residual)
                                case .f4x4:
                                    transformOutputTilesF4(products, sliceStride: outChannels * tiles, firstTileRow: firstRow,
                                                           tileRows: rows, epilogue: epilogue, channel: outChannel,
                                                           into: plane, residual: residual)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Copies the `inputTile` zero-padded input rows starting at input row `top` into `padded`
    /// (`paddedWidth` floats each; column 0 is input column `-padW`).
    @inline(__always)
    func loadPaddedRows(_ plane: UnsafePointer<Float>, top: Int, count: Int, paddedWidth: Int,
                        into padded: UnsafeMutablePointer<Float>) {
        // Input columns that land inside the padded row buffer.
        let firstColumn = max(0, padW), lastColumn = min(paddedWidth, width + padW)
        for r in 0..<count {
            let line = padded + r * paddedWidth, iy = top + r
            if iy >= 0, iy < height, firstColumn < lastColumn {
                (line + firstColumn).update(from: plane + iy * width + (firstColumn - padW),
                                            count: lastColumn - firstColumn)
            } else {
                line.update(repeating: 0, count: paddedWidth)
            }
        }
    }

    /// F(2×2): `V = Bᵀ d B` for every 4×4 input tile of one channel in tile rows
    /// `firstTileRow ..< +tileRows`; slice `i` of tile `t` goes to `destination[i · sliceStride + t]`.
    /// Each tile row is done in two vectorisable passes: down the columns of four zero-padded input
    /// rows, then along the row.
    private func transformInputTilesF2(_ plane: UnsafePointer<Float>, firstTileRow: Int, tileRows: Int,
                                       into destination: UnsafeMutablePointer<Float>, sliceStride: Int) {
        let tilesW = winogradTiles(.f2x2).columns, paddedWidth = 2 * tilesW + 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * paddedWidth) { scratch in
            let padded = scratch.baseAddress!, combined = padded + 4 * paddedWidth
            padded.initialize(repeating: 0, count: 8 * paddedWidth)
            for tileRow in 0..<tileRows {
                loadPaddedRows(plane, top: 2 * (firstTileRow + tileRow) - padH, count: 4, paddedWidth: paddedWidth,
                               into: padded)
                // Bᵀ d: rows r0 − r2, r1 + r2, r2 − r1, r1 − r3.
                let r0 = padded, r1 = padded + paddedWidth, r2 = padded + 2 * paddedWidth, r3 = padded + 3 * paddedWidth
                let w0 = combined, w1 = combined + paddedWidth, w2 = combined + 2 * paddedWidth, w3 = combined + 3 * paddedWidth
                for x in 0..<paddedWidth {
                    let a = r0[x], b = r1[x], c = r2[x], d = r3[x]
                    w0[x] = a - c; w1[x] = b + c; w2[x] = c - b; w3[x] = b - d
                }
                // (Bᵀ d) B: the same combination along each row, for every tile of the row.
                let rowBase = destination + tileRow * tilesW
                for j in 0..<4 {
                    let w = combined + j * paddedWidth
                    let s0 = rowBase + (4 * j) * sliceStride, s1 = s0 + sliceStride
                    let s2 = s1 + sliceStride, s3 = s2 + sliceStride
                    for tile in 0..<tilesW {
                        // Wrapping arithmetic: overflow checks would stop the loop from vectorising.
                        let x = tile &* 2
                        let a = w[x], b = w[x &+ 1], c = w[x &+ 2], d = w[x &+ 3]
                        s0[tile] = a - c; s1[tile] = b + c; s2[tile] = c - b; s3[tile] = b - d
                    }
                }
            }
        }
    }

    /// F(2×2): `Y = Aᵀ M A` for every tile of one output channel, then the epilogue, clipped to the
    /// output plane (the last tile row / column may hang over by one).
    private func transformOutputTilesF2(_ products: UnsafePointer<Float>, sliceStride: Int, firstTileRow: Int,
                                        tileRows: Int, epilogue: ConvolutionEpilogue, channel: Int,
                                        into plane: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?) {
        let bias = epilogue.bias?[channel] ?? 0
        let tilesW = winogradTiles(.f2x2).columns
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 * tilesW) { scratch in
            let sums = scratch.baseAddress!, pairRows = sums + 8 * tilesW
            for tileRow in 0..<tileRows {
                let base = products + tileRow * tilesW
                // Aᵀ M: for each column k, a_k = m0k + m1k + m2k and b_k = m1k − m2k − m3k.
                for k in 0..<4 {
                    let m0 = base + k * sliceStride, m1 = m0 + 4 * sliceStride
                    let m2 = m1 + 4 * sliceStride, m3 = m2 + 4 * sliceStride
                    let a = sums + k * tilesW, b = sums + (4 + k) * tilesW
                    for tile in 0..<tilesW {
                        let p1 = m1[tile], p2 = m2[tile]
                        a[tile] = m0[tile] + p1 + p2
                        b[tile] = p1 - p2 - m3[tile]
                    }
                }
                // (Aᵀ M) A along each row: two outputs per tile, written as two full output rows.
                for half in 0..<2 {
                    let oy = 2 * (firstTileRow + tileRow) + half
                    guard oy < outH else { break }
                    let s0 = sums + 4 * half * tilesW, s1 = s0 + tilesW, s2 = s1 + tilesW, s3 = s2 + tilesW
                    let pairRow = pairRows + half * 2 * tilesW
                    for tile in 0..<tilesW {
                        let b = s1[tile], c = s2[tile]
                        pairRow[tile &* 2] = s0[tile] + b + c
                        pairRow[tile &* 2 &+ 1] = b - c - s3[tile]
                    }
                    epilogue.applyToLine(plane + oy * outW, from: pairRow, residual: residual.map { $0 + oy * outW },
                                         bias: bias, count: outW)
                }
            }
        }
    }
}

