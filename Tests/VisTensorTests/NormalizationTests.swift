import Testing
import VisTensor

@Suite struct NormalizationTests {
    @Test func layerNormMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("layernorm")
        #expect(cases.count >= 4)
        for c in cases {
            let affine = try c.bool("affine")
            let out = try layerNorm(fixture.tensor("\(c.prefix).x"),
                                    weight: affine ? fixture.tensor("\(c.prefix).weight") : nil,
                                    bias: affine ? fixture.tensor("\(c.prefix).bias") : nil,
                                    eps: c.float("eps"), normalizedShape: c.ints("normalized"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func rmsNormMatchesHuggingFaceFormula() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("rmsnorm")
        #expect(cases.count >= 2)
        for c in cases {
            let out = try rmsNorm(fixture.tensor("\(c.prefix).x"), weight: fixture.tensor("\(c.prefix).weight"), eps: c.float("eps"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func batchNormMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("batchnorm")
        #expect(cases.count >= 2)
        for c in cases {
            let p = c.prefix
            let parameters = try BatchNormParameters(weight: fixture.tensor("\(p).weight"), bias: fixture.tensor("\(p).bias"),
                                                     runningMean: fixture.tensor("\(p).mean"), runningVariance: fixture.tensor("\(p).var"),
                                                     eps: c.float("eps"))
            let out = try batchNorm(fixture.tensor("\(p).x"), parameters)
            let error = maxRelativeError(out, try fixture.tensor("\(p).out"))
            #expect(error <= OpsFixture.tolerance, "\(p): max relative error \(error)")
        }
    }

    @Test func instanceNormMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("instancenorm")
        #expect(cases.count >= 4)
        for c in cases {
            let p = c.prefix
            let affine = try c.bool("affine")
            let statistics: InstanceNormStatistics = try c.bool("running")
                ? .running(mean: fixture.tensor("\(p).mean"), variance: fixture.tensor("\(p).var"))
                : .perInstance
            let out = try instanceNorm(fixture.tensor("\(p).x"),
                                       weight: affine ? fixture.tensor("\(p).weight") : nil,
                                       bias: affine ? fixture.tensor("\(p).bias") : nil,
                                       statistics: statistics, eps: c.float("eps"))
            let error = maxRelativeError(out, try fixture.tensor("\(p).out"))
            #expect(error <= OpsFixture.tolerance, "\(p): max relative error \(error)")
        }
    }

    @Test func normalizationsRejectMismatchedShapes() throws {
        #expect(throws: TensorError.shapeMismatch(op: "layerNorm", detail: "input [2, 3, 8] does not end with normalized shape [4, 8]")) {
            try layerNorm(Tensor(zeros: [2, 3, 8]), weight: Tensor(zeros: [4, 8]), bias: nil)
        }
        #expect(throws: TensorError.shapeMismatch(op: "layerNorm", detail: "bias [7] does not match normalized shape [8] of input [2, 8]")) {
            try layerNorm(Tensor(zeros: [2, 8]), weight: Tensor(zeros: [8]), bias: Tensor(zeros: [7]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "rmsNorm", detail: "weight [6] does not match the last dimension of input [2, 8] (expected [8])")) {
            try rmsNorm(Tensor(zeros: [2, 8]), weight: Tensor(zeros: [6]))
        }
        let parameters = try BatchNormParameters(weight: Tensor(zeros: [3]), bias: Tensor(zeros: [3]),
                                                 runningMean: Tensor(zeros: [3]), runningVariance: Tensor(zeros: [3]))
        #expect(throws: TensorError.shapeMismatch(op: "batchNorm", detail: "input [1, 4, 2, 2] must be [N, C, ...] with C = 3 (batch norm weight [3])")) {
            try batchNorm(Tensor(zeros: [1, 4, 2, 2]), parameters)
        }
        #expect(throws: TensorError.shapeMismatch(op: "instanceNorm", detail: "weight [4] does not match the 3 channels of input [1, 3, 2, 2]")) {
            try instanceNorm(Tensor(zeros: [1, 3, 2, 2]), weight: Tensor(zeros: [4]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "instanceNorm", detail: "running_var [2] does not match the 3 channels of input [1, 3, 2, 2]")) {
            try instanceNorm(Tensor(zeros: [1, 3, 2, 2]), statistics: .running(mean: Tensor(zeros: [3]), variance: Tensor(zeros: [2])))
        }
        #expect(throws: TensorError.shapeMismatch(op: "instanceNorm", detail: "input [3, 4] must be [N, C, spatial...] with at least one spatial dimension")) {
            try instanceNorm(Tensor(zeros: [3, 4]))
        }
    }
}
