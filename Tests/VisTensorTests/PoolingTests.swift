import Testing
import VisTensor

@Suite struct PoolingTests {
    @Test func maxPool2dMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("maxpool")
        #expect(cases.count >= 7)
        for c in cases {
            let out = try maxPool2d(fixture.tensor("\(c.prefix).x"), kernelSize: c.pair("kernel"), stride: c.pair("stride"),
                                    padding: c.pair("padding"), dilation: c.pair("dilation"), ceilMode: c.bool("ceil"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func avgPool2dMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("avgpool")
        #expect(cases.count >= 8)
        for c in cases {
            let out = try avgPool2d(fixture.tensor("\(c.prefix).x"), kernelSize: c.pair("kernel"), stride: c.pair("stride"),
                                    padding: c.pair("padding"), ceilMode: c.bool("ceil"),
                                    countIncludePad: c.bool("countIncludePad"), divisorOverride: c.optionalInt("divisor"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func adaptiveAvgPool2dMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("adaptiveavgpool")
        #expect(cases.count >= 6)
        for c in cases {
            let out = try adaptiveAvgPool2d(fixture.tensor("\(c.prefix).x"), outputSize: c.pair("size"))
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func maxPoolPropagatesNaN() throws {
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, .nan, 3, 2])
        #expect(try maxPool2d(x, kernelSize: 2).storage.first?.isNaN == true)
    }

    @Test func poolingRejectsBadArguments() {
        #expect(throws: TensorError.invalidArgument(op: "maxPool2d", detail: "padding (2, 2) must be between 0 and half the window (kernel (3, 3), dilation (1, 1))")) {
            try maxPool2d(Tensor(zeros: [1, 1, 8, 8]), kernelSize: 3, padding: 2)
        }
        #expect(throws: TensorError.shapeMismatch(op: "avgPool2d", detail: "input [8, 8] must be [N, C, H, W] or [C, H, W]")) {
            try avgPool2d(Tensor(zeros: [8, 8]), kernelSize: 2)
        }
        #expect(throws: TensorError.shapeMismatch(op: "maxPool2d", detail: "input [1, 1, 2, 2] padded by (0, 0) is too small for kernel (3, 3) with dilation (1, 1) (output would be 0x0)")) {
            try maxPool2d(Tensor(zeros: [1, 1, 2, 2]), kernelSize: 3)
        }
        #expect(throws: TensorError.invalidArgument(op: "avgPool2d", detail: "stride (0, 0) must be at least 1")) {
            try avgPool2d(Tensor(zeros: [1, 1, 4, 4]), kernelSize: 2, stride: 0)
        }
        #expect(throws: TensorError.invalidArgument(op: "adaptiveAvgPool2d", detail: "output size (0, 3) must be at least 1")) {
            try adaptiveAvgPool2d(Tensor(zeros: [1, 1, 4, 4]), outputSize: SpatialPair(0, 3))
        }
    }
}
