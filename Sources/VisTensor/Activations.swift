#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise activations. Each has a value-returning form and an `…InPlace` form for buffers an
// operation owns anyway (saves one allocation per layer). The names overload the C math functions
// (`tanh(Double)` and friends) by argument type, so `tanh(tensor)` resolves to the tensor version.

/// `max(x, 0)`; NaN stays NaN as in PyTorch.
public func relu(_ x: Tensor) -> Tensor { mapElements(x) { $0 < 0 ? 0 : $0 } }
public func reluInPlace(_ x: inout Tensor) { updateElements(&x) { $0 < 0 ? 0 : $0 } }

/// Which GELU formula to use, as PyTorch's `approximate` argument.
public enum GELUApproximation: Sendable {
    /// `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))` — PyTorch's default.
    case none
    /// `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`.
    case tanh
}

/// Gaussian error linear unit; exact (erf) form unless `approximation` says otherwise.
public func gelu(_ x: Tensor, approximation: GELUApproximation = .none) -> Tensor {
    switch approximation {
    case .none: return mapElements(x, geluExact)
    case .tanh: return mapElements(x, geluTanh)
    }
}

public func geluInPlace(_ x: inout Tensor, approximation: GELUApproximation = .none) {
    switch approximation {
    case .none: updateElements(&x, geluExact)
    case .tanh: updateElements(&x, geluTanh)
    }
}

/// `x · sigmoid(x)` (also called swish).
public func silu(_ x: Tensor) -> Tensor { mapElements(x) { $0 * logistic($0) } }
public func siluInPlace(_ x: inout Tensor) { updateElements(&x) { $0 * logistic($0) } }

/// `1 / (1 + e^−x)`, evaluated without overflow for large |x|.
public func sigmoid(_ x: Tensor) -> Tensor { mapElements(x, logistic) }
public func sigmoidInPlace(_ x: inout Tensor) { updateElements(&x, logistic) }

/// Hyperbolic tangent of every element.
public func tanh(_ x: Tensor) -> Tensor { mapElements(x) { tanhf($0) } }
public func tanhInPlace(_ x: inout Tensor) { updateElements(&x) { tanhf($0) } }

@inline(__always) private func logistic(_ v: Float) -> Float {
    // exp of a non-positive number only: no overflow to inf (and then NaN) for large |v|.
    if v >= 0 { return 1 / (1 + expf(-v)) }
    let e = expf(v)
    return e / (1 + e)
}

@inline(__always) private func geluExact(_ v: Float) -> Float {
    0.5 * v * (1 + erff(v * 0.707_106_781_186_547_5))
}

@inline(__always) private func geluTanh(_ v: Float) -> Float {
    let inner: Float = 0.797_884_560_802_865_4 * (v + 0.044_715 * v * v * v)  // √(2/π) · (…)
    return 0.5 * v * (1 + tanhf(inner))
}

/// Elements per parallel task: large enough that thread hand-off is negligible.
private let elementChunk = 16_384

private func mapElements(_ x: Tensor, _ transform: (Float) -> Float) -> Tensor {
    let count = x.count
    return Tensor(shape: x.shape) { out in
        x.storage.withUnsafeBufferPointer { input in
            Parallelism.forEach((count + elementChunk - 1) / elementChunk) { chunk in
                for i in (chunk * elementChunk)..<min(count, (chunk + 1) * elementChunk) { out[i] = transform(input[i]) }
            }
        }
    }
}

private func updateElements(_ x: inout Tensor, _ transform: (Float) -> Float) {
    let count = x.count
    x.storage.withUnsafeMutableBufferPointer { values in
        Parallelism.forEach((count + elementChunk - 1) / elementChunk) { chunk in
            for i in (chunk * elementChunk)..<min(count, (chunk + 1) * elementChunk) { values[i] = transform(values[i]) }
        }
    }
}

/// Softmax along `axis` (negative counts from the end), as PyTorch's `torch.softmax`.
///
/// Numerically stable: the maximum along the axis is subtracted before `exp`, so inputs in the
/// thousands neither overflow nor underflow to 0/0. A slice that is entirely −∞ gives NaN, as in
/// PyTorch.
public func softmax(_ x: Tensor, axis: Int) throws(TensorError) -> Tensor {
    guard x.rank >= 1, axis >= -x.rank, axis < x.rank else {
        throw .invalidArgument(op: "softmax", detail: "axis \(axis) is out of range for input \(x.shape)")
    }
    let resolved = axis < 0 ? axis + x.rank : axis
    let length = x.shape[resolved]
    let outer = x.shape[..<resolved].reduce(1, *)
    let inner = x.shape[(resolved + 1)...].reduce(1, *)
    var result = x
    guard result.count > 0 else { return result }
    result.storage.withUnsafeMutableBufferPointer { values in
        let base = values.baseAddress!
        if inner == 1 {
            // Softmax over the last axis: each contiguous row on its own.
            Parallelism.forEach(outer, minimumPerThread: max(1, 8_192 / length)) { row in
                softmaxRowInPlace(base + row * length, count: length)
            }
        } else {
            // A middle axis: work on `inner`-wide column blocks so that every pass reads whole
            // contiguous runs of `block` floats (each run is one position along the axis).
            let block = 256
            let blocksPerSlice = (inner + block - 1) / block
            Parallelism.forEach(outer * blocksPerSlice, minimumPerThread: max(1, 8_192 / (length * block))) { task in
                let slice = base + (task / blocksPerSlice) * length * inner
                let start = (task % blocksPerSlice) * block
                softmaxColumns(slice + start, width: min(block, inner - start), length: length, stride: inner)
            }
        }
    }
    return result
}

/// Numerically stable softmax of one contiguous row, in place (the maximum is subtracted first).
/// A row whose every entry is `-inf` (all keys masked) gives NaN like PyTorch's `softmax`, or all
/// zeros when `zeroWhenFullyMasked` is set, as attention's scaled-dot-product path does.
@inline(__always)
func softmaxRowInPlace(_ row: UnsafeMutablePointer<Float>, count: Int, zeroWhenFullyMasked: Bool = false) {
    let inverseSum = exponentiateRowInPlace(row, count: count, zeroWhenFullyMasked: zeroWhenFullyMasked)
    scaleRowInPlace(row, count: count, by: inverseSum)
}

/// The first half of a row softmax: replaces each entry by `exp(x - max)` and returns `1 / sum` of
/// those, the factor that normalises them (callers may apply it later, to a smaller result).
/// A fully masked row (all `-inf`) becomes zeros with factor 0 when `zeroWhenFullyMasked`, else NaN.
@inline(__always)
func exponentiateRowInPlace(_ row: UnsafeMutablePointer<Float>, count: Int, zeroWhenFullyMasked: Bool) -> Float {
    let raw = UnsafeMutableRawPointer(row)
    let whole = count & ~15, tail = count - whole
    // Maximum. NaN entries never win a comparison; they turn the row into NaN through the sum below.
    var lanesMaximum = SIMD16<Float>(repeating: -.infinity)
    var i = 0
    while i < whole {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        lanesMaximum.replace(with: v, where: v .> lanesMaximum)
        i += 16
    }
    if tail > 0 {
        let v = loadPartial(row + whole, count: tail, fill: -.infinity)
        lanesMaximum.replace(with: v, where: v .> lanesMaximum)
    }
    var maximum = -Float.infinity
    for lane in 0..<16 where lanesMaximum[lane] > maximum { maximum = lanesMaximum[lane] }
    if maximum == -.infinity {
        row.update(repeating: zeroWhenFullyMasked ? 0 : .nan, count: count)
        return zeroWhenFullyMasked ? 0 : .nan
    }
    // exp(x - max) and its sum.
    var lanesSum = SIMD16<Float>(repeating: 0)
    i = 0
    while i < whole {
        let e = exponential(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - maximum)
        raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD16<Float>.self)
        lanesSum += e
        i += 16
    }
    if tail > 0 {
        // Padding lanes are -inf: their exp is 0 and adds nothing.
        let e = exponential(loadPartial(row + whole, count: tail, fill: -.infinity) - maximum)
        storePartial(e, row + whole, count: tail)
        lanesSum += e
    }
    return 1 / lanesSum.sum()
}

/// `row[i] *= factor` for `count` entries.
@inline(__always)
func scaleRowInPlace(_ row: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    let raw = UnsafeMutableRawPointer(row)
    let whole = count & ~15
    var i = 0
    while i < whole {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        raw.storeBytes(of: v * factor, toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    for j in whole..<count { row[j] *= factor }
}

/// Softmax down each of `width` columns of a `[length, width]` block whose rows are `stride` apart.
private func softmaxColumns(_ block: UnsafeMutablePointer<Float>, width: Int, length: Int, stride: Int) {
    var maximum = [Float](repeating: -.infinity, count: width)
    var sum = [Float](repeating: 0, count: width)
    for a in 0..<length {
        let row = block + a * stride
        for j in 0..<width { maximum[j] = max(maximum[j], row[j]) }
    }
    for a in 0..<length {
        let row = block + a * stride
        for j in 0..<width {
            let e = expf(row[j] - maximum[j])
            row[j] = e
            sum[j] += e
        }
    }
    for j in 0..<width { sum[j] = 1 / sum[j] }
    for a in 0..<length {
        let row = block + a * stride
        for j in 0..<width { row[j] *= sum[j] }
    }
}
