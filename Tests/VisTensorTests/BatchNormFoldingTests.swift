import Testing
import VisTensor

@Suite struct BatchNormFoldingTests {
    @Test func foldedConvolutionMatchesConvolutionThenBatchNorm() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("fold")
        #expect(cases.count >= 3)
        for c in cases {
            let p = c.prefix
            let statistics = try BatchNormParameters(
                weight: fixture.tensor("\(p).bn_weight"), bias: fixture.tensor("\(p).bn_bias"),
                runningMean: fixture.tensor("\(p).bn_mean"), runningVariance: fixture.tensor("\(p).bn_var"),
                eps: c.float("eps"))
            let convolution = Conv2dParameters(weight: try fixture.tensor("\(p).weight"),
                                               bias: try c.bool("bias") ? fixture.tensor("\(p).bias") : nil)
            let folded = try convolution.foldingBatchNorm(statistics)
            #expect(folded.bias != nil)
            let x = try fixture.tensor("\(p).x")
            let expected = try fixture.tensor("\(p).out")
            let out = try conv2d(x, weight: folded.weight, bias: folded.bias,
                                 stride: try c.pair("stride"), padding: try c.pair("padding"))
            let error = maxRelativeError(out, expected)
            #expect(error <= OpsFixture.tolerance, "\(p) folded: max relative error \(error)")

            // The unfolded path (conv, then batch norm) must agree as well.
            let unfolded = try batchNorm(conv2d(x, weight: convolution.weight, bias: convolution.bias,
                                                stride: try c.pair("stride"), padding: try c.pair("padding")), statistics)
            let unfoldedError = maxRelativeError(unfolded, expected)
            #expect(unfoldedError <= OpsFixture.tolerance, "\(p) unfolded: max relative error \(unfoldedError)")
        }
    }

    @Test func foldingRejectsMismatchedShapes() throws {
        let statistics = try BatchNormParameters(weight: Tensor(zeros: [3]), bias: Tensor(zeros: [3]),
                                                runningMean: Tensor(zeros: [3]), runningVariance: Tensor(zeros: [3]))
        #expect(throws: TensorError.shapeMismatch(op: "foldBatchNorm", detail: "weight [4, 2, 3, 3] has 4 output channels, batch norm weight [3] has 3")) {
            try Conv2dParameters(weight: Tensor(zeros: [4, 2, 3, 3])).foldingBatchNorm(statistics)
        }
        #expect(throws: TensorError.shapeMismatch(op: "foldBatchNorm", detail: "bias [4] does not match weight [3, 2, 1, 1] (expected [3])")) {
            try Conv2dParameters(weight: Tensor(zeros: [3, 2, 1, 1]), bias: Tensor(zeros: [4])).foldingBatchNorm(statistics)
        }
        #expect(throws: TensorError.shapeMismatch(op: "batchNorm", detail: "running_var [4] must be [C] like weight [3]")) {
            try BatchNormParameters(weight: Tensor(zeros: [3]), bias: Tensor(zeros: [3]),
                                    runningMean: Tensor(zeros: [3]), runningVariance: Tensor(zeros: [4]))
        }
    }
}
