// Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions: each 2×2 output tile comes from a 4×4 input
// tile with 16 multiplications per (input channel, output channel) instead of 36, so the GEMM work
// drops 2.25×. The 16 products of a tile are independent, which turns the convolution into 16 GEMMs
// `U[i] [OC × C] · V[i] [C × tiles]`. Its transforms only add and halve, so results stay within a
// few ulps of direct convolution (~3·10⁻⁷ of the output's magnitude on the fixtures). F(4×4, 3×3)
// was tried: ~10× the error (still within 1e-5) but slower here, because its 36 × OC × C transformed
// weights are rebuilt per call and its GEMMs get narrow on DETR's small late-stage maps.

/// Weights in the Winograd domain, `U = G g Gᵀ` for every (output channel, input channel) pair,
/// laid out `[16, OC, C]` so that each of the 16 slices is one GEMM's left-hand matrix.
struct WinogradWeights: Sendable {
    let outChannels: Int
    let inChannels: Int
    let values: [Float]

    /// Transforms `[OC, C, 3, 3]` weights (the caller has checked the shape). Output channels are
    /// split across threads: at 512 × 512 channels this is 262,144 small transforms.
    init(weight: Tensor) {
        let outChannels = weight.shape[0], inChannels = weight.shape[1]
        self.outChannels = outChannels
        self.inChannels = inChannels
        let pairs = outChannels * inChannels
        values = [Float](unsafeUninitializedCapacity: 16 * pairs) { u, initialized in
            weight.storage.withUnsafeBufferPointer { w in
                let source = w.baseAddress!, destination = u.baseAddress!
                Parallelism.forEach(outChannels, minimumPerThread: max(1, 8_192 / max(1, inChannels))) { outChannel in
                    for pair in (outChannel * inChannels)..<((outChannel + 1) * inChannels) {
                        Self.transformKernel(source + pair * 9, into: destination + pair, sliceStride: pairs)
                    }
                }
            }
            initialized = 16 * pairs
        }
    }

    /// `U = G g Gᵀ` for one 3×3 kernel; element `4·row + column` goes to `destination[(4·row + column) · sliceStride]`.
    @inline(__always)
    private static func transformKernel(_ g: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
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
    /// Winograd F(2×2, 3×3) computes this convolution exactly (up to rounding).
    var admitsWinograd: Bool {
        kernelH == 3 && kernelW == 3 && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 && groups == 1
    }

    /// Winograd also wins: with few channels the 16 GEMMs are too thin to run near peak, and with
    /// few tiles the transforms and 16 GEMM calls cost more than they save.
    var prefersWinograd: Bool {
        admitsWinograd && channels >= 32 && outChannels >= 32 && winogradTilesH * winogradTilesW >= 9
    }

    var winogradTilesH: Int { (outH + 1) / 2 }
    var winogradTilesW: Int { (outW + 1) / 2 }

    /// Output rows are processed in bands of tile rows, about 512 tiles per band with the default
    /// budget (`tileBudget / 2048`): measured on ResNet shapes, fewer tiles make the 16 GEMMs too
    /// narrow to run near peak, and more push the transformed input and products out of cache
    /// (64-channel layers at 200×267 ran 2× slower with 2,000-tile bands).
    var winogradBandRows: Int {
        max(1, min(winogradTilesH, tileBudget / 2048 / winogradTilesW))
    }

    func winograd(input: UnsafeBufferPointer<Float>, weights: WinogradWeights,
                  output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue) {
        guard let inputBase = input.baseAddress else { return }
        let bandRows = winogradBandRows, tilesW = winogradTilesW, tilesH = winogradTilesH
        let bandTiles = bandRows * tilesW
        var transformedInput = [Float](repeating: 0, count: 16 * channels * bandTiles)
        var products = [Float](repeating: 0, count: 16 * outChannels * bandTiles)
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
                                transformInputTiles(source + channel * inputPlane, firstTileRow: firstRow, tileRows: rows,
                                                    into: v + channel * tiles, sliceStride: channels * tiles)
                            }
                            for i in 0..<16 {
                                gemmRowMajor(m: outChannels, n: tiles, k: channels,
                                             a: u + i * outChannels * channels, lda: channels,
                                             b: v + i * channels * tiles, ldb: tiles,
                                             c: m + i * outChannels * tiles, ldc: tiles)
                            }
                            Parallelism.forEach(outChannels, minimumPerThread: max(1, 4_096 / max(1, tiles))) { outChannel in
                                let planeOffset = imageOffset + outChannel * outputPlane
                                transformOutputTiles(m + outChannel * tiles, sliceStride: outChannels * tiles,
                                                     firstTileRow: firstRow, tileRows: rows,
                                                     epilogue: epilogue, channel: outChannel,
                                                     into: output + planeOffset,
                                                     residual: epilogue.residual.map { $0 + planeOffset })
                            }
                        }
                    }
                }
            }
        }
    }

    /// `V = Bᵀ d B` for every 4×4 input tile of one channel in tile rows `firstTileRow ..< +tileRows`;
    /// slice `i` of tile `t` goes to `destination[i · sliceStride + t]`. Each tile row is done in two
    /// vectorisable passes: down the columns of four zero-padded input rows, then along the row.
    private func transformInputTiles(_ plane: UnsafePointer<Float>, firstTileRow: Int, tileRows: Int,
                                     into destination: UnsafeMutablePointer<Float>, sliceStride: Int) {
        let tilesW = winogradTilesW, paddedWidth = 2 * tilesW + 2
        // Input columns that land inside the padded row buffer.
        let firstColumn = max(0, padW), lastColumn = min(paddedWidth, width + padW)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * paddedWidth) { scratch in
            let padded = scratch.baseAddress!, combined = padded + 4 * paddedWidth
            padded.initialize(repeating: 0, count: 8 * paddedWidth)
            for tileRow in 0..<tileRows {
                let top = 2 * (firstTileRow + tileRow) - padH
                for r in 0..<4 {
                    let line = padded + r * paddedWidth, iy = top + r
                    if iy >= 0, iy < height, firstColumn < lastColumn {
                        (line + firstColumn).update(from: plane + iy * width + (firstColumn - padW),
                                                    count: lastColumn - firstColumn)
                    } else {
                        line.update(repeating: 0, count: paddedWidth)
                    }
                }
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

    /// `Y = Aᵀ M A` for every tile of one output channel, then the epilogue, clipped to the output
    /// plane (the last tile row / column may hang over by one).
    private func transformOutputTiles(_ products: UnsafePointer<Float>, sliceStride: Int, firstTileRow: Int,
                                      tileRows: Int, epilogue: ConvolutionEpilogue, channel: Int,
                                      into plane: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?) {
        let bias = epilogue.bias?[channel] ?? 0
        let tilesW = winogradTilesW
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

