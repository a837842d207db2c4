/// Fixed-point filter weights for resampling one axis, computed the way Pillow's `Resample.c` does
/// so that results match Pillow to the bit.
///
/// Output sample `i` is centred at `(i + 0.5) * scale` in source coordinates (`scale = in / out`).
/// The triangle filter has support 1 source pixel when upscaling and `scale` pixels when
/// downscaling, which makes a downscale average all the pixels it covers. Weights are normalised
/// to sum to 1 and stored as integers scaled by `2^precisionBits`.
struct ResampleCoefficients {
    /// Pillow keeps 8 bits for the result and 2 for overshoot of the 32-bit accumulator.
    static let precisionBits = 32 - 8 - 2
    /// Added before the final shift so that truncation rounds to nearest.
    static let roundingBias: Int32 = 1 << (precisionBits - 1)

    /// First source index read by each output sample.
    let first: [Int]
    /// Number of source samples read by each output sample.
    let count: [Int]
    /// `stride` weights per output sample (only the first `count[i]` are used).
    let weights: [Int32]
    /// Weights reserved per output sample.
    let stride: Int

    /// Bilinear (triangle) weights mapping `inputSize` samples onto `outputSize` samples.
    init(bilinearFrom inputSize: Int, to outputSize: Int) {
        precondition(inputSize > 0 && outputSize > 0)
        let support = 1.0  // triangle filter half-width
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let scaledSupport = support * filterScale
        let stride = Int(scaledSupport.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale

        var first = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var real = [Double](repeating: 0, count: stride)

        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            // Pillow rounds the window ends with a C cast (truncation toward zero) after adding 0.5;
            // a negative start is clamped to 0 anyway, so `Int(_:)` truncation matches it.
            let start = max(Int(center - scaledSupport + 0.5), 0)
            let end = min(Int(center + scaledSupport + 0.5), inputSize)
            let taps = end - start

            var sum = 0.0
            for k in 0..<taps {
                // Same operation order as Pillow, so the doubles (and the rounded integers) agree.
                let distance = (Double(k + start) - center + 0.5) * inverseFilterScale
                let w = Self.triangle(distance)
                real[k] = w
                sum += w
            }
            for k in 0..<taps {
                let normalised = sum != 0 ? real[k] / sum : real[k]
                weights[i * stride + k] = Self.toFixedPoint(normalised)
            }
            first[i] = start
            count[i] = max(taps, 0)
        }
        self.first = first
        self.count = count
        self.weights = weights
        self.stride = stride
    }

    /// The triangle ("tent") kernel: 1 at 0, falling linearly to 0 at distance 1.
    static func triangle(_ x: Double) -> Double {
        let a = abs(x)
        return a < 1.0 ? 1.0 - a : 0.0
    }

    /// Rounds a weight to fixed point half away from zero, as Pillow does.
    static func toFixedPoint(_ w: Double) -> Int32 {
        let scaled = w * Double(1 << precisionBits)
        return Int32(w < 0 ? scaled - 0.5 : scaled + 0.5)
    }

    /// Converts an accumulator (which already includes `roundingBias`) to a clipped byte.
    @inline(__always)
    static func clipToByte(_ accumulator: Int32) -> UInt8 {
        let shifted = accumulator >> Int32(precisionBits)
        return UInt8(clamping: shifted)
    }
}
