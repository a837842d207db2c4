import Testing
@testable import VisTensor

@Suite struct ConvolutionTests {
    /// Runs every conv2d fixture case through `run` and compares with PyTorch.
    private func checkAllCases(_ run: (Tensor, Tensor, Tensor?, Tensor?, FixtureCase) throws -> Tensor) throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("conv2d")
        #expect(cases.count >= 20)
        #expect(try cases.filter { try $0.bool("residual") }.count >= 5)
        for c in cases {
            let bias = try c.bool("bias") ? fixture.tensor("\(c.prefix).bias") : nil
            let residual = try c.bool("residual") ? fixture.tensor("\(c.prefix).residual") : nil
            let out = try run(try fixture.tensor("\(c.prefix).x"), try fixture.tensor("\(c.prefix).weight"), bias, residual, c)
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func conv2dMatchesPyTorch() throws {
        try checkAllCases { x, weight, bias, residual, c in
            try conv2d(x, weight: weight, bias: bias, stride: try c.pair("stride"), padding: try c.pair("padding"),
                       dilation: try c.pair("dilation"), groups: try c.int("groups"), residual: residual,
                       fusedReLU: try c.bool("relu"))
        }
    }

    /// Tiny tile budgets force one output row per im2col tile and narrow pointwise column tiles
    /// (1, 40), or pointwise tiles of 262 output channels over the whole plane (2100, on the
    /// 264-channel fixture), so the tiled paths are checked on the small fixtures too.
    @Test(arguments: [1, 40, 2100])
    func conv2dTiledMatchesPyTorch(tileBudget: Int) throws {
        try checkAllCases { x, weight, bias, residual, c in
            try conv2d(x, weight: weight, bias: bias, stride: try c.pair("stride"), padding: try c.pair("padding"),
                       dilation: try c.pair("dilation"), groups: try c.int("groups"), residual: residual,
                       fusedReLU: try c.bool("relu"), tileBudget: tileBudget)
        }
    }

    /// Winograd F(2×2, 3×3) forced on every fixture it admits (3×3, stride 1, dilation 1, one
    /// group), with one tile row per band (budget 1) and with all tile rows in one band.
    @Test(arguments: [1, 1 << 20])
    func conv2dWinogradMatchesPyTorch(tileBudget: Int) throws {
        let fixture = try OpsFixture()
        var admitted = 0
        for c in try fixture.cases("conv2d") {
            let x = try fixture.tensor("\(c.prefix).x"), weight = try fixture.tensor("\(c.prefix).weight")
            let geometry = try ConvolutionGeometry(input: x.shape, weight: weight.shape, bias: nil,
                                                   stride: try c.pair("stride"), padding: try c.pair("padding"),
                                                   dilation: try c.pair("dilation"), groups: try c.int("groups"))
            guard geometry.admitsWinograd else { continue }
            admitted += 1
            let bias = try c.bool("bias") ? fixture.tensor("\(c.prefix).bias") : nil
            let residual = try c.bool("residual") ? fixture.tensor("\(c.prefix).residual") : nil
            let out = try conv2d(x, weight: weight, bias: bias, stride: try c.pair("stride"), padding: try c.pair("padding"),
                                 dilation: try c.pair("dilation"), groups: try c.int("groups"), residual: residual,
                                 fusedReLU: try c.bool("relu"), tileBudget: tileBudget, strategy: .winogradWhereAdmitted)
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix) (Winograd): max relative error \(error)")
        }
        #expect(admitted >= 7)
    }

    /// The 32-channel fixture is one the default strategy sends to Winograd, so `conv2dMatchesPyTorch`
    /// covers the automatic choice; strided, dilated and grouped 3×3 convolutions never go there.
    @Test func winogradIsChosenOnlyWhereItApplies() throws {
        let wide = try ConvolutionGeometry(input: [1, 32, 6, 7], weight: [32, 32, 3, 3], bias: [32], stride: 1,
                                           padding: 1, dilation: 1, groups: 1)
        #expect(wide.prefersWinograd)
        let narrow = try ConvolutionGeometry(input: [1, 3, 6, 7], weight: [32, 3, 3, 3], bias: nil, stride: 1,
                                             padding: 1, dilation: 1, groups: 1)
        #expect(narrow.admitsWinograd && !narrow.prefersWinograd)
        for (stride, dilation, groups) in [(SpatialPair(2), SpatialPair(1), 1), (1, 2, 1), (1, 1, 2)] {
            let geometry = try ConvolutionGeometry(input: [1, 64, 20, 20], weight: [64, 64 / groups, 3, 3], bias: nil,
                                                   stride: stride, padding: 1, dilation: dilation, groups: groups)
            #expect(!geometry.admitsWinograd)
        }
    }

    @Test func unbatchedInputGivesUnbatchedOutput() throws {
        let fixture = try OpsFixture()
        let x = try fixture.tensor("conv2d.3x3_pad1.x")  // [1, 3, 8, 8]
        let out = try conv2d(try x.reshaped([3, 8, 8]), weight: try fixture.tensor("conv2d.3x3_pad1.weight"),
                             bias: try fixture.tensor("conv2d.3x3_pad1.bias"), padding: 1)
        let expected = try fixture.tensor("conv2d.3x3_pad1.out").reshaped([4, 8, 8])
        #expect(maxRelativeError(out, expected) <= OpsFixture.tolerance)
    }

    @Test func conv2dRejectsMismatchedShapes() throws {
        let error = TensorError.shapeMismatch(op: "conv2d", detail: "input [1, 3, 8, 8] has 3 channels, weight [16, 4, 3, 3] expects 4 with groups 1")
        #expect(throws: error) { try conv2d(Tensor(zeros: [1, 3, 8, 8]), weight: Tensor(zeros: [16, 4, 3, 3])) }
        #expect(error.description == "conv2d: shape mismatch: input [1, 3, 8, 8] has 3 channels, weight [16, 4, 3, 3] expects 4 with groups 1")

        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "input [1, 4, 8, 8] has 4 channels, weight [6, 4, 3, 3] expects 8 with groups 2")) {
            try conv2d(Tensor(zeros: [1, 4, 8, 8]), weight: Tensor(zeros: [6, 4, 3, 3]), groups: 2)
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "weight [5, 2, 3, 3] has 5 output channels, not divisible by groups 2")) {
            try conv2d(Tensor(zeros: [1, 4, 8, 8]), weight: Tensor(zeros: [5, 2, 3, 3]), groups: 2)
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "bias [3] does not match weight [4, 3, 3, 3] (expected [4])")) {
            try conv2d(Tensor(zeros: [1, 3, 8, 8]), weight: Tensor(zeros: [4, 3, 3, 3]), bias: Tensor(zeros: [3]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "input [1, 3, 4, 4] padded by (1, 1) is smaller than the kernel of weight [4, 3, 7, 7] dilated by (1, 1)")) {
            try conv2d(Tensor(zeros: [1, 3, 4, 4]), weight: Tensor(zeros: [4, 3, 7, 7]), padding: 1)
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "residual [1, 4, 8, 7] does not match the output [1, 4, 8, 8] of input [1, 3, 8, 8] and weight [4, 3, 3, 3]")) {
            try conv2d(Tensor(zeros: [1, 3, 8, 8]), weight: Tensor(zeros: [4, 3, 3, 3]), padding: 1,
                       residual: Tensor(zeros: [1, 4, 8, 7]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "input [3, 8] must be [N, C, H, W] or [C, H, W]")) {
            try conv2d(Tensor(zeros: [3, 8]), weight: Tensor(zeros: [4, 3, 1, 1]))
        }
        #expect(throws: TensorError.invalidArgument(op: "conv2d", detail: "stride (0, 1) must be at least 1")) {
            try conv2d(Tensor(zeros: [1, 3, 8, 8]), weight: Tensor(zeros: [4, 3, 1, 1]), stride: SpatialPair(0, 1))
        }
        #expect(throws: TensorError.invalidArgument(op: "conv2d", detail: "groups 0 must be at least 1")) {
            try conv2d(Tensor(zeros: [1, 3, 8, 8]), weight: Tensor(zeros: [4, 3, 1, 1]), groups: 0)
        }
    }
}
