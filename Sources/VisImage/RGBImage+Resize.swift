import VisTensor

extension RGBImage {
    /// This image scaled to `width` x `height`, matching Pillow 12's
    /// `Image.resize((width, height), filter)` on an RGB image.
    ///
    /// Bilinear runs Pillow's two separable passes (horizontal first, then vertical; a pass whose
    /// size does not change is skipped) with its 22-bit fixed-point weights and per-pass clipping.
    /// Nearest uses Pillow's affine-scale index walk. Same-size requests return a copy.
    ///
    /// - Throws: `ImageOperationError.invalidSize` when either image has a zero dimension.
    public func resized(width newWidth: Int, height newHeight: Int,
                        filter: ResampleFilter = .bilinear) throws(ImageOperationError) -> RGBImage {
        guard newWidth >= 1, newHeight >= 1 else {
            throw .invalidSize(op: "resize", detail: "target size \(newWidth)x\(newHeight) must be at least 1x1 "
                               + "(source \(width)x\(height))")
        }
        guard width >= 1, height >= 1 else {
            throw .invalidSize(op: "resize", detail: "cannot resize an empty \(width)x\(height) image "
                               + "to \(newWidth)x\(newHeight)")
        }
        if newWidth == width && newHeight == height { return self }
        switch filter {
        case .nearest: return resizedNearest(width: newWidth, height: newHeight)
        case .bilinear: return resizedBilinear(width: newWidth, height: newHeight)
        }
    }

    // MARK: - Bilinear

    private func resizedBilinear(width newWidth: Int, height newHeight: Int) -> RGBImage {
        let vertical = ResampleCoefficients(bilinearFrom: height, to: newHeight)
        guard newWidth != width else {
            return RGBImage(width: width, height: newHeight,
                            pixels: Self.resampleRows(pixels, width: width, rowOffset: 0, vertical, outputHeight: newHeight))
        }
        let horizontal = ResampleCoefficients(bilinearFrom: width, to: newWidth)
        // Only the source rows that the vertical pass reads need a horizontal pass.
        let firstRow = newHeight == height ? 0 : vertical.first[0]
        let endRow = newHeight == height ? height : vertical.first[newHeight - 1] + vertical.count[newHeight - 1]
        let narrowed = Self.resampleColumns(pixels, width: width, rows: firstRow..<endRow, horizontal, outputWidth: newWidth)
        guard newHeight != height else {
            return RGBImage(width: newWidth, height: newHeight, pixels: narrowed)
        }
        return RGBImage(width: newWidth, height: newHeight,
                        pixels: Self.resampleRows(narrowed, width: newWidth, rowOffset: firstRow, vertical,
                                                  outputHeight: newHeight))
    }

    /// Rows to give each thread at least: small images stay on the calling thread.
    private static func minimumRowsPerThread(rowWork: Int) -> Int {
        max(1, 65_536 / max(1, rowWork))
    }

    /// Horizontal pass: each row in `rows` of the `width`-wide source becomes an `outputWidth` row.
    private static func resampleColumns(_ source: [UInt8], width: Int, rows: Range<Int>,
                                        _ coefficients: ResampleCoefficients, outputWidth: Int) -> [UInt8] {
        let rowCount = rows.count
        let outputRowBytes = outputWidth * 3
        return [UInt8](unsafeUninitializedCapacity: rowCount * outputRowBytes) { output, initialized in
            source.withUnsafeBufferPointer { input in
                coefficients.first.withUnsafeBufferPointer { firsts in
                    coefficients.count.withUnsafeBufferPointer { counts in
                        coefficients.weights.withUnsafeBufferPointer { weights in
                            let stride = coefficients.stride
                            let outBase = output.baseAddress!
                            let inBase = input.baseAddress!
                            let minimum = minimumRowsPerThread(rowWork: outputWidth * stride)
                            Parallelism.forEach(rowCount, minimumPerThread: minimum) { r in
                                let inRow = inBase + (rows.lowerBound + r) * width * 3
                                let outRow = outBase + r * outputRowBytes
                                for x in 0..<outputWidth {
                                    var red = ResampleCoefficients.roundingBias
                                    var green = red, blue = red
                                    let w = weights.baseAddress! + x * stride
                                    var p = inRow + firsts[x] * 3
                                    for k in 0..<counts[x] {
                                        let weight = w[k]
                                        red &+= Int32(p[0]) &* weight
                                        green &+= Int32(p[1]) &* weight
                                        blue &+= Int32(p[2]) &* weight
                                        p += 3
                                    }
                                    outRow[x * 3] = ResampleCoefficients.clipToByte(red)
                                    outRow[x * 3 + 1] = ResampleCoefficients.clipToByte(green)
                                    outRow[x * 3 + 2] = ResampleCoefficients.clipToByte(blue)
                                }
                            }
                        }
                    }
                }
            }
            initialized = rowCount * outputRowBytes
        }
    }

    /// Vertical pass: output row `y` blends source rows `first[y] - rowOffset ..< + count[y]`.
    /// `rowOffset` is the first source row present in `source` (the horizontal pass may skip some).
    private static func resampleRows(_ source: [UInt8], width: Int, rowOffset: Int,
                                     _ coefficients: ResampleCoefficients, outputHeight: Int) -> [UInt8] {
        let rowBytes = width * 3
        return [UInt8](unsafeUninitializedCapacity: outputHeight * rowBytes) { output, initialized in
            source.withUnsafeBufferPointer { input in
                coefficients.weights.withUnsafeBufferPointer { weights in
                    let outBase = output.baseAddress!
                    let inBase = input.baseAddress!
                    let minimum = minimumRowsPerThread(rowWork: rowBytes * coefficients.stride)
                    Parallelism.forEach(outputHeight, minimumPerThread: minimum) { y in
                        let first = coefficients.first[y] - rowOffset
                        let taps = coefficients.count[y]
                        let w = weights.baseAddress! + y * coefficients.stride
                        // Accumulate a whole row per tap: the inner loop is contiguous and vectorises.
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: rowBytes) { accumulator in
                            let acc = accumulator.baseAddress!
                            for j in 0..<rowBytes { acc[j] = ResampleCoefficients.roundingBias }
                            for k in 0..<taps {
                                let weight = w[k]
                                let inRow = inBase + (first + k) * rowBytes
                                for j in 0..<rowBytes { acc[j] &+= Int32(inRow[j]) &* weight }
                            }
                            let outRow = outBase + y * rowBytes
                            for j in 0..<rowBytes { outRow[j] = ResampleCoefficients.clipToByte(acc[j]) }
                        }
                    }
                }
            }
            initialized = outputHeight * rowBytes
        }
    }

    // MARK: - Nearest

    /// Source index for each output index, walked the way Pillow's affine scaler does: start at
    /// half a step and add the step (`in / out`) repeatedly in double precision, truncating.
    /// Indices outside the source (only possible through rounding) are -1 and produce black.
    static func nearestSourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        let step = Double(inputSize) / Double(outputSize)
        var position = step * 0.5
        var indices = [Int](repeating: -1, count: outputSize)
        for i in 0..<outputSize {
            let index = position < 0 ? -1 : Int(position)
            if index < inputSize { indices[i] = index }
            position += step
        }
        return indices
    }

    private func resizedNearest(width newWidth: Int, height newHeight: Int) -> RGBImage {
        let columns = Self.nearestSourceIndices(inputSize: width, outputSize: newWidth)
        let rows = Self.nearestSourceIndices(inputSize: height, outputSize: newHeight)
        let sourceRowBytes = width * 3
        let outputRowBytes = newWidth * 3
        let out = [UInt8](unsafeUninitializedCapacity: newHeight * outputRowBytes) { output, initialized in
            pixels.withUnsafeBufferPointer { input in
                let outBase = output.baseAddress!
                let inBase = input.baseAddress!
                Parallelism.forEach(newHeight, minimumPerThread: Self.minimumRowsPerThread(rowWork: outputRowBytes)) { y in
                    let outRow = outBase + y * outputRowBytes
                    guard rows[y] >= 0 else {
                        outRow.update(repeating: 0, count: outputRowBytes)
                        return
                    }
                    let inRow = inBase + rows[y] * sourceRowBytes
                    for x in 0..<newWidth {
                        let sx = columns[x]
                        if sx >= 0 {
                            outRow[x * 3] = inRow[sx * 3]
                            outRow[x * 3 + 1] = inRow[sx * 3 + 1]
                            outRow[x * 3 + 2] = inRow[sx * 3 + 2]
                        } else {
                            outRow[x * 3] = 0; outRow[x * 3 + 1] = 0; outRow[x * 3 + 2] = 0
                        }
                    }
                }
            }
            initialized = newHeight * outputRowBytes
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
