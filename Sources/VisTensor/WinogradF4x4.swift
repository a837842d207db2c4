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
    ///
    /// Tiles start every 4 columns, so the six input rows of a tile row are first split by column
    /// phase (`phase k` holds padded columns `4t + k`): then tile `t` reads `phase0..3[t]` and
    /// `phase0, 1[t + 1]`, and both passes are unit-stride loops over tiles, written with explicit
    /// 4-wide vectors (reading `row[4t + k]` left the row pass scalar). Measured gain: small (~1 %
    /// of the ResNet-50 trunk); the transforms are bound by the L3 traffic of the band buffers.
    func transformInputTilesF4(_ plane: UnsafePointer<Float>, firstTileRow: Int, tileRows: Int,
                               into destination: UnsafeMutablePointer<Float>, sliceStride: Int) {
        let tilesW = winogradTiles(.f4x4).columns, phaseWidth = tilesW + 1, rowFloats = 4 * phaseWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 * rowFloats + winogradF4VectorSlack) { scratch in
            let phased = scratch.baseAddress!, combined = phased + 6 * rowFloats
            phased.initialize(repeating: 0, count: 12 * rowFloats + winogradF4VectorSlack)
            for tileRow in 0..<tileRows {
                loadPhasedRows(plane, top: 4 * (firstTileRow + tileRow) - padH, tilesW: tilesW, into: phased)
                // Bᵀ d, elementwise down the six phased rows.
                let r0 = phased, r1 = r0 + rowFloats, r2 = r1 + rowFloats
                let r3 = r2 + rowFloats, r4 = r3 + rowFloats, r5 = r4 + rowFloats
                let w0 = combined, w1 = w0 + rowFloats, w2 = w1 + rowFloats
                let w3 = w2 + rowFloats, w4 = w3 + rowFloats, w5 = w4 + rowFloats
                for x in 0..<rowFloats {
                    let d0 = r0[x], d1 = r1[x], d2 = r2[x], d3 = r3[x], d4 = r4[x], d5 = r5[x]
                    let d4MinusD2 = d4 - d2
                    w0[x] = 4 * d0 - 5 * d2 + d4
                    w1[x] = (d3 + d4) - 4 * (d1 + d2)
                    w2[x] = 4 * (d1 - d2) + (d4 - d3)
                    w3[x] = 2 * (d3 - d1) + d4MinusD2
                    w4[x] = 2 * (d1 - d3) + d4MinusD2
                    w5[x] = 4 * d1 - 5 * d3 + d5
                }
                // (Bᵀ d) B: the same combination along each row, four tiles at a time. Explicit
                // vectors: with six sources and six destinations the compiler's alias checks give up.
                let rowBase = destination + tileRow * tilesW
                for j in 0..<6 {
                    let p0 = combined + j * rowFloats, p1 = p0 + phaseWidth, p2 = p1 + phaseWidth, p3 = p2 + phaseWidth
                    let s0 = rowBase + (6 * j) * sliceStride, s1 = s0 + sliceStride, s2 = s1 + sliceStride
                    let s3 = s2 + sliceStride, s4 = s3 + sliceStride, s5 = s4 + sliceStride
                    var tile = 0
                    while tile < tilesW {
                        let count = min(4, tilesW - tile), next = tile + 1
                        let v = Self.interpolateInput(
                            SIMD4(loading: p0 + tile), SIMD4(loading: p1 + tile),
                            SIMD4(loading: p2 + tile), SIMD4(loading: p3 + tile),
                            SIMD4(loading: p0 + next), SIMD4(loading: p1 + next))
                        v.0.store(to: s0 + tile, count: count); v.1.store(to: s1 + tile, count: count); v.2.store(to: s2 + tile, count: count)
                        v.3.store(to: s3 + tile, count: count); v.4.store(to: s4 + tile, count: count); v.5.store(to: s5 + tile, count: count)
                        tile += 4
                    }
                }
            }
        }
    }

    /// One application of Bᵀ (rows of the F(4×4) input transform) to six values.
    @inline(__always)
    static func interpolateInput(_ d0: SIMD4<Float>, _ d1: SIMD4<Float>, _ d2: SIMD4<Float>, _ d3: SIMD4<Float>,
                                 _ d4: SIMD4<Float>, _ d5: SIMD4<Float>)
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let d4MinusD2 = d4 - d2
        return (4 * d0 - 5 * d2 + d4,
                (d3 + d4) - 4 * (d1 + d2),
                4 * (d1 - d2) + (d4 - d3),
                2 * (d3 - d1) + d4MinusD2,
                2 * (d1 - d3) + d4MinusD2,
                4 * d1 - 5 * d3 + d5)
    }

    /// The six zero-padded input rows from input row `top`, split by column phase: row `r`, phase
    /// `k`, entry `t` (at `phased[(4r + k) · (tilesW + 1) + t]`) is padded column `4t + k`, i.e.
    /// input column `4t + k − padW`. Entries past the padded width (`4·tilesW + 2`) are zero.
    private func loadPhasedRows(_ plane: UnsafePointer<Float>, top: Int, tilesW: Int,
                                into phased: UnsafeMutablePointer<Float>) {
        let phaseWidth = tilesW + 1
        for r in 0..<6 {
            let row = phased + 4 * r * phaseWidth, iy = top + r
            guard iy >= 0, iy < height else {
                row.update(repeating: 0, count: 4 * phaseWidth)
                continue
            }
            let line = plane + iy * width
            for k in 0..<4 {
                let phase = row + k * phaseWidth
                // Tiles t whose column 4t + k − padW is inside the input and 4t + k inside the padded row.
                let first = padW - k <= 0 ? 0 : (padW - k + 3) / 4
                let lastInput = width - 1 + padW - k
                let end = min(lastInput < 0 ? 0 : lastInput / 4 + 1, (4 * tilesW + 1 - k) / 4 + 1)
                let start = min(first, end), offset = k - padW
                if start > 0 { phase.update(repeating: 0, count: start) }
                for t in start..<end { phase[t] = line[t &* 4 &+ offset] }
                if end < phaseWidth { (phase + end).update(repeating: 0, count: phaseWidth - end) }
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
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 28 * tilesW + winogradF4VectorSlack) { scratch in
            // sums[(6·i + k) · tilesW + t]: row i of Aᵀ M, column k, tile t; then one output row.
            let sums = scratch.baseAddress!, outputRow = sums + 24 * tilesW
            for tileRow in 0..<tileRows {
                let base = products + tileRow * tilesW
                // Aᵀ M, down each of the six columns k, four tiles at a time.
                for k in 0..<6 {
                    let m0 = base + k * sliceStride, m1 = m0 + 6 * sliceStride, m2 = m1 + 6 * sliceStride
                    let m3 = m2 + 6 * sliceStride, m4 = m3 + 6 * sliceStride, m5 = m4 + 6 * sliceStride
                    let y0 = sums + k * tilesW, y1 = y0 + 6 * tilesW, y2 = y1 + 6 * tilesW, y3 = y2 + 6 * tilesW
                    var tile = 0
                    while tile < tilesW {
                        let count = min(4, tilesW - tile)
                        let y = Self.interpolateOutput(
                            SIMD4(loading: m0 + tile), SIMD4(loading: m1 + tile),
                            SIMD4(loading: m2 + tile), SIMD4(loading: m3 + tile),
                            SIMD4(loading: m4 + tile), SIMD4(loading: m5 + tile))
                        y.0.store(to: y0 + tile, count: count); y.1.store(to: y1 + tile, count: count)
                        y.2.store(to: y2 + tile, count: count); y.3.store(to: y3 + tile, count: count)
                        tile += 4
                    }
                }
                // (Aᵀ M) A along each row: four outputs per tile, written as one full output row.
                for i in 0..<4 {
                    let oy = 4 * (firstTileRow + tileRow) + i
                    guard oy < outH else { break }
                    let s0 = sums + 6 * i * tilesW, s1 = s0 + tilesW, s2 = s1 + tilesW
                    let s3 = s2 + tilesW, s4 = s3 + tilesW, s5 = s4 + tilesW
                    var tile = 0
                    while tile < tilesW {
                        let count = min(4, tilesW - tile)
                        let y = Self.interpolateOutput(
                            SIMD4(loading: s0 + tile), SIMD4(loading: s1 + tile),
                            SIMD4(loading: s2 + tile), SIMD4(loading: s3 + tile),
                            SIMD4(loading: s4 + tile), SIMD4(loading: s5 + tile))
                        // Transposed, so that the four outputs of each tile land side by side.
                        let row = outputRow + 4 * tile
                        for lane in 0..<count {
                            SIMD4(y.0[lane], y.1[lane], y.2[lane], y.3[lane]).store(to: row + 4 * lane, count: 4)
                        }
                        tile += 4
                    }
                    epilogue.applyToLine(plane + oy * outW, from: outputRow, residual: residual.map { $0 + oy * outW },
                                         bias: bias, count: outW)
                }
            }
        }
    }

    /// One application of Aᵀ (rows of the F(4×4) output transform) to six values.
    @inline(__always)
    static func interpolateOutput(_ m0: SIMD4<Float>, _ m1: SIMD4<Float>, _ m2: SIMD4<Float>, _ m3: SIMD4<Float>,
                                  _ m4: SIMD4<Float>, _ m5: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4
        return (m0 + a + c, b + 2 * d, a + 4 * c, b + 8 * d + m5)
    }
}

extension SIMD4 where Scalar == Float {
    /// Four consecutive floats from `pointer`. At the end of a row the extra lanes read whatever
    /// follows (the buffers carry `winogradF4VectorSlack` floats of slack) and are never stored:
    /// assembling a partial vector lane by lane stalled on store forwarding and cost 18 % of the
    /// input transform.
    @inline(__always)
    init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Writes the first `count` (≤ 4) lanes to `pointer`.
    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count == 4 {
            UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD4<Float>.self)
        } else {
            for lane in 0..<count { pointer[lane] = self[lane] }
        }
    }
}

/// Floats past the end of every buffer the F(4×4) transforms read four at a time.
let winogradF4VectorSlack = 8
