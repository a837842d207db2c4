/// Bilinear resampling of a single-channel float map (row-major, `width * height` values) with
/// half-pixel centres and edge clamping, like PyTorch's `interpolate(mode="bilinear",
/// align_corners=False)` without antialiasing. Used to stretch low-resolution heat maps and
/// attention maps over the image they describe.
enum FloatMapResize {
    static func resized(_ values: [Float], width: Int, height: Int,
                        toWidth newWidth: Int, height newHeight: Int) -> [Float] {
        let columns = taps(input: width, output: newWidth)
        let rows = taps(input: height, output: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let (y0, y1, fy) = rows[y]
            for x in 0..<newWidth {
                let (x0, x1, fx) = columns[x]
                let top = values[y0 * width + x0] * (1 - fx) + values[y0 * width + x1] * fx
                let bottom = values[y1 * width + x0] * (1 - fx) + values[y1 * width + x1] * fx
                out[y * newWidth + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    /// For each output index: the two source indices to blend and the weight of the second.
    private static func taps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { i in
            let source = max((Double(i) + 0.5) * scale - 0.5, 0)
            let lower = min(Int(source), input - 1)
            let upper = min(lower + 1, input - 1)
            return (lower, upper, Float(source - Double(lower)))
        }
    }
}
