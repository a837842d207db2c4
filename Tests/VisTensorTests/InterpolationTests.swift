import Testing
import VisTensor

@Suite struct InterpolationTests {
    static let sizes: [(name: String, height: Int, width: Int)] = [("up", 8, 11), ("down", 3, 4), ("one", 1, 3)]

    @Test func bilinearMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("resample.x")  // [2, 3, 5, 7]: non-integer ratios to every size
        for size in Self.sizes {
            for alignCorners in [false, true] {
                let y = try interpolateBilinear(x, size: (size.height, size.width), alignCorners: alignCorners)
                try expectMatches(y, "bilinear_\(size.name)_ac\(alignCorners ? 1 : 0).output", in: f)
            }
        }
        try expectMatches(try interpolateBilinear(x, scaleFactor: (1.7, 0.6), alignCorners: false), "bilinear_scale.output", in: f)
    }

    @Test func nearestMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("resample.x")
        for size in Self.sizes {
            try expectMatches(try interpolateNearest(x, size: (size.height, size.width)), "nearest_\(size.name).output", in: f)
        }
        try expectMatches(try interpolateNearest(x, scaleFactor: (1.7, 0.6)), "nearest_scale.output", in: f)
    }

    @Test func sameSizeIsIdentity() throws {
        let x = Tensor(shape: [1, 2, 3, 4]) { out in for i in 0..<out.count { out[i] = Float(i) } }
        #expect(try interpolateBilinear(x, size: (3, 4), alignCorners: false) == x)
        #expect(try interpolateBilinear(x, size: (3, 4), alignCorners: true) == x)
        #expect(try interpolateNearest(x, size: (3, 4)) == x)
    }

    @Test func badInputsThrowNamingOpAndShapes() {
        let x = Tensor(zeros: [1, 2, 3, 4])
        expectTensorError(mentioning: ["interpolateBilinear", "[2, 3, 4]"]) { () throws(TensorError) in
            _ = try interpolateBilinear(Tensor(zeros: [2, 3, 4]), size: (2, 2), alignCorners: false)
        }
        expectTensorError(mentioning: ["interpolateBilinear", "[1, 2, 3, 4]"]) { () throws(TensorError) in
            _ = try interpolateBilinear(x, size: (0, 2), alignCorners: true)
        }
        expectTensorError(mentioning: ["interpolateNearest", "[1, 2, 3, 4]"]) { () throws(TensorError) in
            _ = try interpolateNearest(x, scaleFactor: (0.1, 1))
        }
        expectTensorError(mentioning: ["interpolateNearest", "[3, 4]"]) { () throws(TensorError) in
            _ = try interpolateNearest(Tensor(zeros: [3, 4]), size: (2, 2))
        }
    }
}
