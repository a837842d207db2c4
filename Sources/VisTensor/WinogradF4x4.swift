// Winograd F(4×4, 3×3) with Lavin & Gray's interpolation points 0, ±1, ±2, ∞:
//
//        ⎡4  0 −5  0  1  0⎤        ⎡ 1/4     0    0 ⎤         ⎡1  1  1  1  1  0⎤
//        ⎢0 −4 −4  1  1  0⎥        ⎢−1/6  −1/6 −1/6 ⎥         ⎢0  1 −1  2 −2  0⎥
//   Bᵀ = ⎢0  4 −4 −1  1  0⎥    G = ⎢−1/6   1/6 −1/6 ⎥    Aᵀ = ⎢0  1  1  4  4  0⎥
//        ⎢0 −2 −1  2  1  0⎥        ⎢1/24  1/12  1/6 ⎥         ⎣0  1 −1  8 −8  1⎦
//        ⎢0  2 −1 −2  1  0⎥        ⎢1/24 −1/12  1/6 ⎥
//        ⎣0  4  0 −5  0  1⎦        ⎣  0     0    1  ⎦
//
// Each matrix is applied as a few shared sums and differences (the factorised forms below), down
// the columns of a tile row first and then along it, so both passes are plain vectorisable loops.
// The weight transform runs once per `PreparedConv2d`, in double precision so that the only
// rounding it adds is the final conversion to float.

extension WinogradWeights {
    /// F(4×4): `U = G g Gᵀ` for one 3×3 kernel; element `6·row + column` goes to
    /// `destination[(6·row + column) · sliceStride]`.
    @inline(__always)
    static func transformKernelF4(_ g: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                                  sliceStride: Int) {
        /// The six rows of `G · (g0, g1, g2)ᵀ`.
        func interpolate(_ g0: Double, _ g1: Double, _ g2: Double) -> (Double, Double, Double, Double, Double, Double) {
            let even = g0 + g2, quarterEven = g0 / 4 + g2
            return (g0 / 4, -(even + g1) / 6, -(even - g1) / 6,
                    (quarterEven + g1 / 2) / 6, (quarterEven - g1 / 2) / 6, g2)
        }
        // G g: one column of six per kernel column.
        func column(_ k: Int) -> (Double, Double, Double, Double, Double, Double) {
            interpolate(Double(g[k]), Double(g[3 + k]), Double(g[6 + k]))
        }
        let c0 = column(0), c1 = column(1), c2 = column(2)
        // (G g) Gᵀ: the same interpolation along each of the six rows.
        func store(row: Int, _ a: Double, _ b: Double, _ c: Double) {
            let u = interpolate(a, b, c), base = destination + 6 * row * sliceStride
            base[0] = Float(u.0)
            base[sliceStride] = Float(u.1)
            base[2 * sliceStride] = Float(u.2)
            base[3 * sliceStride] = Float(u.3)
            base[4 * sliceStride] = Float(u.4)
            base[5 * sliceStride] = Float(u.5)
        }
        store(row: 0, c0.0, c1.0, c2.0)
        store(row: 1, c0.1, c1.1, c2.1)
        store(row: 2, c0.2, c1.2, c2.2)
        store(row: 3, c0.3, c1.3, c2.3)
        store(row: 4, c0.4, c1.4, c2.4)
        store(row: 5, c0.5, c1.5, c2.5)
    }
}

/// F(4×4) bands hold about `tileBudget` floats of transformed input and products
/// (`36 · (C + OC)` per tile), but at least `tileBudget / winogradF4MinimumBandDivisor` tiles, 192
/// with the default budget (see `winogradBandRows`).
let winogradF4MinimumBandDivisor = (1 << 20) / 192

extension ConvolutionGeometry {
    /// F(4×4): `V = Bᵀ d B` for every 6×6 input tile of one channel in tile rows
    /// `firstTileRow ..< +tileRows` (tiles overlap by two rows and columns); slice `i` of tile `t`
    /// goes to `destination[i · sliceStride + t]`.
    func transformInputTilesF4(_ plane: UnsafePointer<Float>, firstTileRow: Int, tileRows: Int,
                               into destination: UnsafeMutablePointer<Float>, sliceStride: Int) {
        let tilesW = winogradTiles(.f4x4).columns, paddedWidth = 4 * tilesW + 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 * paddedWidth) { scratch in
            let padded = scratch.baseAddress!, combined = padded + 6 * paddedWidth
            padded.initialize(repeating: 0, count: 12 * paddedWidth)
            for tileRow in 0..<tileRows {
                loadPaddedRows(plane, top: 4 * (firstTileRow + tileRow) - padH, count: 6, paddedWidth: paddedWidth,
                               into: padded)
                // Bᵀ d, down every column of the six rows.
                let r0 = padded, r1 = r0 + paddedWidth, r2 = r1 + paddedWidth
                let r3 = r2 + paddedWidth, r4 = r3 + paddedWidth, r5 = r4 + paddedWidth
                let w0 = combined, w1 = w0 + paddedWidth, w2 = w1 + paddedWidth
                let w3 = w2 + paddedWidth, w4 = w3 + paddedWidth, w5 = w4 + paddedWidth
                for x in 0..<paddedWidth {
                    let d0 = r0[x], d1 = r1[x], d2 = r2[x], d3 = r3[x], d4 = r4[x], d5 = r5[x]
                    let d4MinusD2 = d4 - d2
                    w0[x] = 4 * d0 - 5 * d2 + d4
                    w1[x] = (d3 + d4) - 4 * (d1 + d2)
                    w2[x] = 4 * (d1 - d2) + (d4 - d3)
                    w3[x] = 2 * (d3 - d1) + d4MinusD2
                    w4[x] = 2 * (d1 - d3) + d4MinusD2
                    w5[x] = 4 * d1 - 5 * d3 + d5
                }
                // (Bᵀ d) B: the same combination along each row, for every tile of the row.
                let rowBase = destination + tileRow * tilesW
                for j in 0..<6 {
                    let w = combined + j * paddedWidth
                    let s0 = rowBase + (6 * j) * sliceStride, s1 = s0 + sliceStride, s2 = s1 + sliceStride
                    let s3 = s2 + sliceStride, s4 = s3 + sliceStride, s5 = s4 + sliceStride
                    for tile in 0..<tilesW {
                        // Wrapping arithmetic: overflow checks would stop the loop from vectorising.
                        let x = tile &* 4
                        let d0 = w[x], d1 = w[x &+ 1], d2 = w[x &+ 2], d3 = w[x &+ 3], d4 = w[x &+ 4], d5 = w[x &+ 5]
                        let d4MinusD2 = d4 - d2
                        s0[tile] = 4 * d0 - 5 * d2 + d4
                        s1[tile] = (d3 + d4) - 4 * (d1 + d2)
                        s2[tile] = 4 * (d1 - d2) + (d4 - d3)
                        s3[tile] = 2 * (d3 - d1) + d4MinusD2
                        s4[tile] = 2 * (d1 - d3) + d4MinusD2
                        s5[tile] = 4 * d1 - 5 * d3 + d5
                    }
                }
            }
        }
    }

    /// F(4×4): `Y = Aᵀ M A` for every tile of one output channel, then the epilogue, clipped to the
    /// output plane (the last tile row / column may hang over by up to three).
    func transformOutputTilesF4(_ products: UnsafePointer<Float>, sliceStride: Int, firstTileRow: Int,
                                tileRows: Int, epilogue: ConvolutionEpilogue, channel: Int,
                                into plane: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?) {
        let bias = epilogue.bias?[channel] ?? 0
        let tilesW = winogradTiles(.f4x4).columns
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 28 * tilesW) { scratch in
            // sums[(6·i + k) · tilesW + t]: row i of Aᵀ M, column k, tile t; then one output row.
            let sums = scratch.baseAddress!, outputRow = sums + 24 * tilesW
            for tileRow in 0..<tileRows {
                let base = products + tileRow * tilesW
                // Aᵀ M, down each of the six columns k.
                for k in 0..<6 {
                    let m0 = base + k * sliceStride, m1 = m0 + 6 * sliceStride, m2 = m1 + 6 * sliceStride
                    let m3 = m2 + 6 * sliceStride, m4 = m3 + 6 * sliceStride, m5 = m4 + 6 * sliceStride
                    let y0 = sums + k * tilesW, y1 = y0 + 6 * tilesW, y2 = y1 + 6 * tilesW, y3 = y2 + 6 * tilesW
                    for tile in 0..<tilesW {
                        let p1 = m1[tile], p2 = m2[tile], p3 = m3[tile], p4 = m4[tile]
                        let a = p1 + p2, b = p1 - p2, c = p3 + p4, d = p3 - p4
                        y0[tile] = m0[tile] + a + c
                        y1[tile] = b + 2 * d
                        y2[tile] = a + 4 * c
                        y3[tile] = b + 8 * d + m5[tile]
                    }
                }
                // (Aᵀ M) A along each row: four outputs per tile, written as one full output row.
                for i in 0..<4 {
                    let oy = 4 * (firstTileRow + tileRow) + i
                    guard oy < outH else { break }
                    let s0 = sums + 6 * i * tilesW, s1 = s0 + tilesW, s2 = s1 + tilesW
                    let s3 = s2 + tilesW, s4 = s3 + tilesW, s5 = s4 + tilesW
                    for tile in 0..<tilesW {
                        let p1 = s1[tile], p2 = s2[tile], p3 = s3[tile], p4 = s4[tile]
                        let a = p1 + p2, b = p1 - p2, c = p3 + p4, d = p3 - p4
                        let x = tile &* 4
                        outputRow[x] = s0[tile] + a + c
                        outputRow[x &+ 1] = b + 2 * d
                        outputRow[x &+ 2] = a + 4 * c
                        outputRow[x &+ 3] = b + 8 * d + s5[tile]
                    }
                    epilogue.applyToLine(plane + oy * outW, from: outputRow, residual: residual.map { $0 + oy * outW },
                                         bias: bias, count: outW)
                }
            }
        }
    }
}
