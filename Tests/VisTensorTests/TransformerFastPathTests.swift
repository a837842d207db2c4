import Foundation
import Testing
@testable import VisTensor

/// The fast paths behind transformer inference: the vectorised softmax exponential, fused
/// bias/ReLU and residual/LayerNorm passes, GEMMs split across vispipe's threads inside a serial-BLAS
/// region, and attention split into per-head tasks. Each is checked against a plain computation.
@Suite struct TransformerFastPathTests {
    /// A deterministic pseudo-random tensor with values in [-scale, scale).
    func noise(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        })
    }

    @Test func exponentialIsWithinOneUlpOverTheSoftmaxRange() {
        var worst: Float = 0
        var x: Float = -87.3
        while x <= 0 {
            let lanes = SIMD16<Float>((0..<16).map { x + Float($0) * 0.0007 })
            let e = exponential(lanes)
            for lane in 0..<16 {
                let exact = Float(Foundation.exp(Double(lanes[lane])))
                worst = max(worst, abs(e[lane] - exact) / exact.ulp)
            }
            x += 0.0173
        }
        #expect(worst <= 1, "largest error \(worst) ulp")
        let special = exponential(SIMD16<Float>([0, -.infinity, .nan, -88, -1000, -1e30, -1e-8, 1,
                                                 0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(special[0] == 1)
        #expect(special[1] == 0 && special[4] == 0 && special[5] == 0, "below the normal range: 0")
        #expect(special[2].isNaN)
        #expect(special[3] == 0, "exp(-88) is subnormal: flushed to 0")
        #expect(special[6] == 1)
        #expect(abs(special[7] - Float(M_E)) <= Float(M_E).ulp)
    }

    @Test func softmaxRowsOfEveryLengthMatchDoublePrecision() throws {
        for length in [1, 5, 16, 17, 37, 850] {
            let x = noise([3, length], seed: UInt64(length), scale: 8)
            let out = try softmax(x, axis: -1)
            for row in 0..<3 {
                let values = (0..<length).map { Double(x.storage[row * length + $0]) }
                let top = values.max()!
                let sum = values.reduce(0) { $0 + Foundation.exp($1 - top) }
                for j in 0..<length {
                    let expected = Foundation.exp(values[j] - top) / sum
                    #expect(abs(Double(out.storage[row * length + j]) - expected) <= 1e-6 * max(expected, 1e-3),
                            "length \(length), row \(row), column \(j)")
                }
            }
        }
    }

    @Test func softmaxOfAllNegativeInfinityOrNaNIsNaNAsInTorch() throws {
        let x = Tensor(shape: [2, 20], data: [Float](repeating: -.infinity, count: 20)
            + (0..<20).map { $0 == 7 ? .nan : Float($0) })
        let out = try softmax(x, axis: 1)
        let allNaN = out.storage.allSatisfy { $0.isNaN }
        #expect(allNaN)
    }

    @Test func linearWithFusedReLUIsReLUOfLinear() throws {
        let x = noise([3, 50, 40], seed: 1), w = noise([70, 40], seed: 2), b = noise([70], seed: 3)
        let fused = try linear(x, weight: w, bias: b, fusedReLU: true)
        try #expect(fused == relu(try linear(x, weight: w, bias: b)))
        try #expect(try linear(x, weight: w, fusedReLU: true) == relu(try linear(x, weight: w)))
    }

    @Test func layerNormAddingResidualIsLayerNormOfTheSum() throws {
        let x = noise([2, 30, 24], seed: 4, scale: 3), r = noise([2, 30, 24], seed: 5)
        let gamma = noise([24], seed: 6), beta = noise([24], seed: 7)
        let fused = try layerNorm(x, adding: r, weight: gamma, bias: beta)
        try #expect(fused == (try layerNorm(try add(x, r), weight: gamma, bias: beta)))
        try #expect(try layerNorm(x, adding: r, weight: nil, bias: nil) == (try layerNorm(try add(x, r), weight: nil, bias: nil)))
        #expect(throws: TensorError.self) { try layerNorm(x, adding: noise([2, 30, 23], seed: 8), weight: nil, bias: nil) }
        #expect(throws: TensorError.self) { try layerNorm(x, adding: r, weight: noise([23], seed: 9), bias: nil) }
    }

    @Test func gemmsSplitInsideASerialBLASRegionGiveTheSameResults() throws {
        // Large enough to be split across threads when there are several.
        let x = noise([300, 128], seed: 10), w = noise([96, 128], seed: 11), b = noise([96], seed: 12)
        let a = noise([4, 90, 64], seed: 13), m = noise([4, 64, 80], seed: 14)
        let plainLinear = try linear(x, weight: w, bias: b, fusedReLU: true)
        let plainMatmul = try matmul(a, m)
        let (splitLinear, splitMatmul) = try Parallelism.withSerialBLAS { () throws(TensorError) in
            #expect(Parallelism.threadCount == 1 || Parallelism.blasIsSerial)
            return (try linear(x, weight: w, bias: b, fusedReLU: true), try matmul(a, m))
        }
        #expect(maxRelativeError(splitLinear, plainLinear) <= 1e-6)
        #expect(maxRelativeError(splitMatmul, plainMatmul) <= 1e-6)
        // Whether the region ended is not checked here: other suites of this test process run DETR
        // forwards in their own regions at the same time (see regionsRestoreOpenBLASOnlyWhenTheLastEnds).
    }

    @Test func regionsRestoreOpenBLASOnlyWhenTheLastEnds() {
        // The bookkeeping behind withSerialBLAS, on a count of its own (the process-wide one is
        // shared with every suite running at the same time).
        var regions = SerialBLASRegionCount()
        let first = regions.enter(), nested = regions.enter()
        let innerEnd = regions.leave(), outerEnd = regions.leave()
        #expect(first, "the first region makes OpenBLAS serial")
        #expect(!nested, "a nested or overlapping region changes nothing")
        #expect(!innerEnd, "OpenBLAS stays serial while a region is running")
        #expect(outerEnd, "the last region to end restores OpenBLAS's threads")
        #expect(regions.active == 0)
        let again = regions.enter()
        #expect(again, "a later region makes OpenBLAS serial again")
    }

    /// `softmax(q kᵀ · scale + mask) v` in double precision, with padding and causal masking;
    /// fully masked rows give zeros.
    func referenceAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor, padding: KeyPaddingMask,
                            causal: Bool) -> Tensor {
        let (batch, heads, lq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let lk = k.shape[2]
        var out = [Float](repeating: 0, count: batch * heads * lq * d)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<lq {
            let base = (b * heads + h)
            var scores = [Double](repeating: -.infinity, count: lk)
            for j in 0..<lk where !padding.ignored[b * lk + j] && !(causal && j > i) {
                var dot = 0.0
                for c in 0..<d { dot += Double(q.storage[(base * lq + i) * d + c]) * Double(k.storage[(base * lk + j) * d + c]) }
                scores[j] = dot / Double(d).squareRoot() + Double(mask.storage[i * lk + j])
            }
            guard let top = scores.max(), top > -.infinity else { continue }
            let weights = scores.map { Foundation.exp($0 - top) }
            let sum = weights.reduce(0, +)
            for c in 0..<d {
                var acc = 0.0
                for j in 0..<lk { acc += weights[j] / sum * Double(v.storage[(base * lk + j) * d + c]) }
                out[(base * lq + i) * d + c] = Float(acc)
            }
        } } }
        return Tensor(shape: q.shape, data: out)
    }

    @Test func attentionSplitIntoHeadTasksMatchesAReference() throws {
        // Enough work per call for several workers; batch element 1 has its last 30 keys padded.
        let (batch, heads, length, d) = (2, 4, 96, 16)
        let q = noise([batch, heads, length, d], seed: 20, scale: 2)
        let k = noise([batch, heads, length, d], seed: 21, scale: 2)
        let v = noise([batch, heads, length, d], seed: 22)
        let mask = noise([length, length], seed: 23)
        let padding = try KeyPaddingMask(batch: batch, keyLength: length,
                                         ignored: (0..<(batch * length)).map { $0 >= 2 * length - 30 })
        for causal in [false, true] {
            let expected = referenceAttention(q, k, v, mask: mask, padding: padding, causal: causal)
            for split in [false, true] {
                let run = { () throws(TensorError) in
                    try scaledDotProductAttention(query: q, key: k, value: v, attentionMask: mask,
                                                  keyPaddingMask: padding, causal: causal, returnWeights: true)
                }
                let (output, weights) = split ? try Parallelism.withSerialBLAS(run) : try run()
                #expect(maxRelativeError(output, expected) <= 1e-5, "causal \(causal), split \(split)")
                let plain = try scaledDotProductAttention(query: q, key: k, value: v, attentionMask: mask,
                                                          keyPaddingMask: padding, causal: causal).output
                #expect(plain == output, "the output does not depend on returning the weights")
                let w = try #require(weights)
                for row in 0..<(batch * heads * length) {
                    let sum = w.storage[(row * length)..<((row + 1) * length)].reduce(0, +)
                    #expect(abs(sum - 1) <= 1e-5)
                }
            }
        }
    }
}
