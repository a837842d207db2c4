// A vectorised `exp` for softmax. glibc's `expf` is a scalar call (several ns per element), and
// softmax over attention scores evaluates tens of millions of them per forward pass; 16 lanes at a
// time with plain SIMD arithmetic is several times faster at the same accuracy (within 1 ulp of
// `expf` over the softmax range). Written with comparisons and `replace` only: the NaN-aware
// `min`/`max`/`clamped` of SIMD types do not vectorise.

/// `e^x` for each lane, for the non-positive arguments of a softmax (`x - max`).
///
/// - For `-87.33 ≤ x ≤ 88.37`: within about 1 ulp of a correctly rounded `exp`.
/// - Below (including `-inf`): 0, where `exp` would give a subnormal under `1.2e-38`.
/// - NaN stays NaN. Above 88.37 the result is meaningless: callers never pass such values.
@inline(__always)
func exponential(_ x: SIMD16<Float>) -> SIMD16<Float> {
    // Below this, 2^n below would leave the normal exponent range; such lanes are zeroed at the end
    // (whatever the arithmetic made of them, NaN included), so no clamping is needed on the way in.
    let lower: Float = -87.336_54
    // x = n·ln2 + r with integer n and |r| ≤ ln2/2. Adding 1.5·2^23 rounds x·log2(e) to the nearest
    // integer and leaves that integer in the low mantissa bits.
    let roundingBias: Float = 12_582_912
    let shifted = x * 1.442_695_04 + roundingBias
    let n = shifted - roundingBias
    // ln2 split in two (Cody–Waite) so that n·ln2High is exact: r keeps full precision.
    let ln2High: Float = 0.693_359_375, ln2Low: Float = -2.121_944_4e-4
    let r = (x - n * ln2High) - n * ln2Low
    // e^r by its Taylor series to degree 7 (truncation error below 1e-8 relative for |r| ≤ ln2/2).
    var p = SIMD16<Float>(repeating: 1.0 / 5_040)
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2^n assembled directly as float bits: biased exponent n + 127, zero mantissa.
    let integer = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- roundingBias.bitPattern
    let powerOfTwo = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD16<Float>.self)
    var result = p * powerOfTwo
    result.replace(with: 0, where: x .< lower)
    return result
}

/// Loads `count < 16` floats into the first lanes, `fill` elsewhere.
@inline(__always)
func loadPartial(_ source: UnsafePointer<Float>, count: Int, fill: Float) -> SIMD16<Float> {
    var lanes = SIMD16<Float>(repeating: fill)
    for i in 0..<count { lanes[i] = source[i] }
    return lanes
}

/// Stores the first `count < 16` lanes.
@inline(__always)
func storePartial(_ lanes: SIMD16<Float>, _ target: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { target[i] = lanes[i] }
}
