import Testing
import VisTensor

@Suite struct LinearTests {
    @Test func linearMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("linear")
        #expect(cases.count >= 5)
        for c in cases {
            let bias = try c.bool("bias") ? fixture.tensor("\(c.prefix).bias") : nil
            let out = try linear(try fixture.tensor("\(c.prefix).x"), weight: try fixture.tensor("\(c.prefix).weight"), bias: bias)
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func matmulMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("matmul")
        #expect(cases.count >= 8)
        for c in cases {
            let out = try matmul(try fixture.tensor("\(c.prefix).a"), try fixture.tensor("\(c.prefix).b"),
                                 transposeB: try c.bool("transposeB"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func emptyShapesGiveEmptyOrZeroResults() throws {
        let noRows = try linear(Tensor(zeros: [0, 5]), weight: Tensor(repeating: 1, shape: [4, 5]))
        #expect(noRows.shape == [0, 4])
        // K == 0: an empty sum, so only the bias remains.
        let noFeatures = try linear(Tensor(zeros: [2, 0]), weight: Tensor(zeros: [3, 0]),
                                    bias: Tensor(shape: [3], data: [1, 2, 3]))
        #expect(noFeatures == Tensor(shape: [2, 3], data: [1, 2, 3, 1, 2, 3]))
        let product = try matmul(Tensor(zeros: [2, 0]), Tensor(zeros: [0, 3]))
        #expect(product == Tensor(zeros: [2, 3]))
    }

    @Test func linearRejectsMismatchedShapes() {
        #expect(throws: TensorError.shapeMismatch(op: "linear", detail: "input [2, 3] has 3 features, weight [4, 5] expects 5")) {
            try linear(Tensor(zeros: [2, 3]), weight: Tensor(zeros: [4, 5]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "linear", detail: "bias [5] does not match weight [4, 3] (expected [4])")) {
            try linear(Tensor(zeros: [2, 3]), weight: Tensor(zeros: [4, 3]), bias: Tensor(zeros: [5]))
        }
        let error = TensorError.shapeMismatch(op: "linear", detail: "weight [4, 3, 1] must be [out, in]")
        #expect(throws: error) { try linear(Tensor(zeros: [2, 3]), weight: Tensor(zeros: [4, 3, 1])) }
        #expect(error.description == "linear: shape mismatch: weight [4, 3, 1] must be [out, in]")
    }

    @Test func matmulRejectsMismatchedShapes() {
        #expect(throws: TensorError.shapeMismatch(op: "matmul", detail: "a [2, 3, 4] has K = 4, b [2, 5, 4] read as [..., K, N] has K = 5")) {
            try matmul(Tensor(zeros: [2, 3, 4]), Tensor(zeros: [2, 5, 4]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "matmul", detail: "batch dimensions of a [2, 3, 4] and b [3, 4, 5] differ ([2] vs [3])")) {
            try matmul(Tensor(zeros: [2, 3, 4]), Tensor(zeros: [3, 4, 5]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "matmul", detail: "operands [4] and [4, 2] must both have rank 2 or more")) {
            try matmul(Tensor(zeros: [4]), Tensor(zeros: [4, 2]))
        }
    }
}
