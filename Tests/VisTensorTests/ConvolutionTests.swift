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

    /// Winograd F(2×2, 3×3) and F(4×4, 3×3) forced on every fixture they admit (3×3, stride 1,
    /// dilation 1, one group), with one tile row per band (budget 1) and with all tile rows in one
    /// band; the F(4×4) fixtures have maps that are not multiples of 4 (partial edge tiles), batch 2,
    /// padding 0, 1 and 2, bias, residual and ReLU.
    @Test(arguments: [ConvolutionAlgorithm.winogradF2x2, .winogradF4x4], [1, 1 << 20])
    func conv2dWinogradMatchesPyTorch(algorithm: ConvolutionAlgorithm, tileBudget: Int) throws {
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
                                 fusedReLU: try c.bool("relu"), tileBudget: tileBudget, algorithm: algorithm)
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix) (\(algorithm)): max relative error \(error)")
        }
        #expect(admitted >= 8)
    }

    /// The default strategy: F(4×4) for 3×3 stride-1 layers of 32+ channels with at least 32 F(4×4)
    /// tiles (the 32-channel F(4×4) fixture), F(2×2) on smaller maps (the 32-channel 6×7 fixture),
    /// never Winograd for strided, dilated, grouped or narrow convolutions.
    @Test func winogradIsChosenOnlyWhereItApplies() throws {
        func chosen(_ input: [Int], _ weight: [Int], stride: SpatialPair = 1, dilation: SpatialPair = 1,
                    groups: Int = 1) throws -> ConvolutionAlgorithm {
            try PreparedConv2d(weight: Tensor(zeros: weight), stride: stride, padding: 1, dilation: dilation,
                               groups: groups).algorithm(forInput: input)
        }
        #expect(try chosen([1, 32, 6, 7], [32, 32, 3, 3]) == .winogradF2x2)
        #expect(try chosen([2, 32, 17, 30], [32, 32, 3, 3]) == .winogradF4x4)
        #expect(try chosen([1, 64, 200, 267], [64, 64, 3, 3]) == .winogradF4x4)
        #expect(try chosen([1, 512, 16, 22], [512, 512, 3, 3]) == .winogradF2x2)
        #expect(try chosen([1, 32, 4, 4], [32, 32, 3, 3]) == .im2colGEMM)
        #expect(try chosen([1, 3, 64, 64], [32, 3, 3, 3]) == .im2colGEMM)
        for (stride, dilation, groups) in [(SpatialPair(2), SpatialPair(1), 1), (1, 2, 1), (1, 1, 2)] {
            #expect(try chosen([1, 64, 20, 20], [64, 64 / groups, 3, 3], stride: stride, dilation: dilation,
                               groups: groups) == .im2colGEMM)
        }
        #expect(try chosen([1, 64, 20, 20], [64, 1, 3, 3], groups: 64) == .depthwise)
        #expect(try PreparedConv2d(weight: Tensor(zeros: [8, 64, 1, 1])).algorithm(forInput: [1, 64, 5, 5]) == .pointwiseGEMM)
    }

    /// A prepared convolution gives `conv2d`'s result on every fixture, repeated calls reuse its
    /// cached Winograd weights, and forcing an algorithm that does not apply is refused.
    @Test func preparedConvolutionMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        for c in try fixture.cases("conv2d") {
            let bias = try c.bool("bias") ? fixture.tensor("\(c.prefix).bias") : nil
            let residual = try c.bool("residual") ? fixture.tensor("\(c.prefix).residual") : nil
            let prepared = try PreparedConv2d(weight: try fixture.tensor("\(c.prefix).weight"), bias: bias,
                                              stride: try c.pair("stride"), padding: try c.pair("padding"),
                                              dilation: try c.pair("dilation"), groups: try c.int("groups"))
            let x = try fixture.tensor("\(c.prefix).x"), expected = try fixture.tensor("\(c.prefix).out")
            try prepared.prepare(forInputs: [x.shape])
            for _ in 0..<2 {
                let out = try prepared(x, residual: residual, fusedReLU: try c.bool("relu"))
                #expect(maxRelativeError(out, expected) <= OpsFixture.tolerance, "\(c.prefix) (prepared)")
            }
        }
        let strided = try PreparedConv2d(weight: Tensor(zeros: [4, 4, 3, 3]), stride: 2)
        #expect(throws: TensorError.invalidArgument(op: "conv2d", detail: "Winograd F(4x4,3x3) does not apply to input [1, 4, 9, 9], weight [4, 4, 3, 3], stride (2, 2), dilation (1, 1), groups 1")) {
            try strided(Tensor(zeros: [1, 4, 9, 9]), algorithm: .winogradF4x4)
        }
        #expect(throws: TensorError.shapeMismatch(op: "conv2d", detail: "bias [3] does not match weight [4, 3, 3, 3] (expected [4])")) {
            try PreparedConv2d(weight: Tensor(zeros: [4, 3, 3, 3]), bias: Tensor(zeros: [3]))
        }
    }

    /// F(4×4)'s rounding error does not build up through depth: a ResNet-like stack of 16 3×3
    /// layers (He-scaled weights, bias, residual every other layer, ReLU) stays within 1e-5
    /// relative of the same stack computed with im2col, which sums the products directly.
    @Test func winogradF4StaysAccurateThroughADeepStack() throws {
        var generator = SplitMix(seed: 7)
        let channels = 32, layers = 16
        var direct = Tensor(shape: [1, channels, 19, 23], data: (0..<(channels * 19 * 23)).map { _ in generator.nextSigned() })
        var winograd = direct
        let scale = (6 / Float(channels * 9)).squareRoot()
        for layer in 0..<layers {
            let weight = Tensor(shape: [channels, channels, 3, 3], data: (0..<(channels * channels * 9)).map { _ in scale * generator.nextSigned() })
            let bias = Tensor(shape: [channels], data: (0..<channels).map { _ in 0.1 * generator.nextSigned() })
            let conv = try PreparedConv2d(weight: weight, bias: bias, padding: 1)
            let skip = layer % 2 == 1
            direct = try conv(direct, residual: skip ? direct : nil, fusedReLU: true, algorithm: .im2colGEMM)
            winograd = try conv(winograd, residual: skip ? winograd : nil, fusedReLU: true, algorithm: .winogradF4x4)
        }
        let error = maxRelativeError(winograd, direct)
        #expect(error <= 1e-5, "max relative error after \(layers) layers: \(error)")
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

/// A small deterministic generator for test data (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
