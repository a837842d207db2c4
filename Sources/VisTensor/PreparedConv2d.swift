import Synchronization

/// How a convolution is computed; `PreparedConv2d` picks one per input size.
public enum ConvolutionAlgorithm: Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// 1×1, stride 1, unpadded: one GEMM per image and group straight on the input memory.
    case pointwiseGEMM
    /// Patches gathered into a column buffer (in tiles of output rows), then one GEMM per tile.
    case im2colGEMM
    /// One input channel per group: a direct loop per output plane.
    case depthwise
    /// Winograd F(2×2, 3×3) (3×3, stride 1, no dilation, one group).
    case winogradF2x2
    /// Winograd F(4×4, 3×3) (same conditions as F(2×2)).
    case winogradF4x4

    public var description: String {
        switch self {
        case .pointwiseGEMM: "pointwise GEMM"
        case .im2colGEMM: "im2col GEMM"
        case .depthwise: "depthwise"
        case .winogradF2x2: "Winograd F(2x2,3x3)"
        case .winogradF4x4: "Winograd F(4x4,3x3)"
        }
    }

    var winogradVariant: WinogradVariant? {
        switch self {
        case .winogradF2x2: .f2x2
        case .winogradF4x4: .f4x4
        default: nil
        }
    }
}

/// A 2-D convolution (PyTorch's `F.conv2d`) whose parameters are checked and whose weight
/// transforms are done once, when a model is loaded, instead of on every call as `conv2d` does.
///
/// The algorithm is chosen per call from the input size (`algorithm(forInput:)`): Winograd
/// F(4×4, 3×3) for 3×3 stride-1 convolutions of at least 32 channels on large maps, F(2×2, 3×3) on
/// smaller ones, then pointwise GEMM, depthwise loop or im2col (see `conv2d`). The Winograd weights
/// of each variant are computed the first time that variant runs and kept (thread-safely), so a
/// model that only sees one input size pays for one transform per layer.
public struct PreparedConv2d: Sendable {
    /// `[OC, C / groups, KH, KW]`.
    public let weight: Tensor
    /// `[OC]`, or `nil`.
    public let bias: Tensor?
    public let stride: SpatialPair
    public let padding: SpatialPair
    public let dilation: SpatialPair
    public let groups: Int
    /// Winograd-domain weights per variant; `nil` when Winograd never applies to this convolution.
    private let winogradWeights: WinogradWeightCache?

    /// Checks the parameters (the same checks and messages as `conv2d`, bar those that need the input).
    public init(weight: Tensor, bias: Tensor? = nil, stride: SpatialPair = 1, padding: SpatialPair = 0,
                dilation: SpatialPair = 1, groups: Int = 1) throws(TensorError) {
        try ConvolutionGeometry.validateParameters(weight: weight.shape, bias: bias?.shape, stride: stride,
                                                   padding: padding, dilation: dilation, groups: groups)
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        let shape = weight.shape
        let winogradShaped = shape[2] == 3 && shape[3] == 3 && stride == 1 && dilation == 1 && groups == 1
        winogradWeights = winogradShaped ? WinogradWeightCache(weight: weight) : nil
    }

    /// Output channels (`weight.shape[0]`).
    public var outputChannels: Int { weight.shape[0] }

    /// The algorithm a call with input shape `inputShape` (`[N, C, H, W]` or `[C, H, W]`) runs.
    public func algorithm(forInput inputShape: [Int]) throws(TensorError) -> ConvolutionAlgorithm {
        try geometry(forInput: inputShape).preferredAlgorithm
    }

    /// Computes the Winograd weights of the variants that inputs of these shapes will use, so that
    /// the first call does not pay for them (and so that concurrent first calls do not wait).
    public func prepare(forInputs inputShapes: [[Int]]) throws(TensorError) {
        for shape in inputShapes {
            if let variant = try algorithm(forInput: shape).winogradVariant { _ = winogradWeights?.weights(variant) }
        }
    }

    /// `relu(conv2d(x) + bias + residual)`, with the residual and ReLU optional, computed in the
    /// same pass as the bias.
    ///
    /// - Parameters:
    ///   - x: `[N, C, H, W]` (or unbatched `[C, H, W]`, which gives an unbatched result).
    ///   - residual: a tensor of the output's shape added before the ReLU (ResNet's skip connection).
    ///   - fusedReLU: applies `max(·, 0)` (NaN propagates) after the bias and residual.
    /// - Returns: `[N, OC, OH, OW]` with `OH = (H + 2·padH − dilH·(KH − 1) − 1) / strideH + 1` (floor).
    public func callAsFunction(_ x: Tensor, residual: Tensor? = nil, fusedReLU: Bool = false) throws(TensorError) -> Tensor {
        try run(x, residual: residual, fusedReLU: fusedReLU)
    }

    /// The convolution computed with `algorithm` rather than the chosen one (benchmarks and tests
    /// compare algorithms this way); throws `invalidArgument` when `algorithm` does not apply.
    public func callAsFunction(_ x: Tensor, residual: Tensor? = nil, fusedReLU: Bool = false,
                               algorithm: ConvolutionAlgorithm) throws(TensorError) -> Tensor {
        try run(x, residual: residual, fusedReLU: fusedReLU, algorithm: algorithm)
    }

    private func geometry(forInput inputShape: [Int], tileBudget: Int = 1 << 20) throws(TensorError) -> ConvolutionGeometry {
        var geometry = try ConvolutionGeometry(input: inputShape, weight: weight.shape, bias: bias?.shape, stride: stride,
                                               padding: padding, dilation: dilation, groups: groups)
        geometry.tileBudget = max(1, tileBudget)
        return geometry
    }

    /// The convolution with an explicit tile budget (see `conv2d(…, tileBudget:)`) and, for tests and
    /// benchmarks, a forced algorithm (refused when it does not apply to these shapes).
    func run(_ x: Tensor, residual: Tensor?, fusedReLU: Bool, tileBudget: Int = 1 << 20,
             algorithm forced: ConvolutionAlgorithm? = nil) throws(TensorError) -> Tensor {
        let geometry = try geometry(forInput: x.shape, tileBudget: tileBudget)
        let algorithm = forced ?? geometry.preferredAlgorithm
        guard geometry.admits(algorithm) else {
            throw .invalidArgument(op: "conv2d", detail: "\(algorithm) does not apply to input \(x.shape), weight \(weight.shape), stride \(stride), dilation \(dilation), groups \(groups)")
        }
        let outputShape = x.rank == 3 ? Array(geometry.outputShape.dropFirst()) : geometry.outputShape
        if let residual, residual.shape != outputShape {
            throw .shapeMismatch(op: "conv2d", detail: "residual \(residual.shape) does not match the output \(outputShape) of input \(x.shape) and weight \(weight.shape)")
        }
        let winograd = algorithm.winogradVariant.flatMap { winogradWeights?.weights($0) }
        let biasValues = bias?.storage ?? [], residualValues = residual?.storage ?? []
        let hasBias = bias != nil, hasResidual = residual != nil
        return Tensor(shape: outputShape) { out in
            guard let output = out.baseAddress else { return }  // empty output: nothing to compute
            x.storage.withUnsafeBufferPointer { xs in
                weight.storage.withUnsafeBufferPointer { ws in
                    biasValues.withUnsafeBufferPointer { bs in
                        residualValues.withUnsafeBufferPointer { rs in
                            let epilogue = ConvolutionEpilogue(bias: hasBias ? bs.baseAddress : nil,
                                                               residual: hasResidual ? rs.baseAddress : nil,
                                                               relu: fusedReLU)
                            switch algorithm {
                            case .winogradF2x2, .winogradF4x4:
                                geometry.winograd(input: xs, weights: winograd!, output: output, epilogue: epilogue)
                            case .depthwise:
                                geometry.depthwise(input: xs, weight: ws, output: output, epilogue: epilogue)
                            case .pointwiseGEMM:
                                geometry.pointwise(input: xs, weight: ws, output: output, epilogue: epilogue)
                            case .im2colGEMM:
                                geometry.im2colGEMM(input: xs, weight: ws, output: output, epilogue: epilogue)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The Winograd-domain weights of one convolution, per variant, computed on first use. A class so
/// that copies of a `PreparedConv2d` share one cache; the lock makes concurrent first uses compute
/// a variant once.
final class WinogradWeightCache: Sendable {
    private let weight: Tensor
    private let cache = Mutex<[WinogradVariant: WinogradWeights]>([:])

    init(weight: Tensor) { self.weight = weight }

    func weights(_ variant: WinogradVariant) -> WinogradWeights {
        cache.withLock { cache in
            if let cached = cache[variant] { return cached }
            let computed = WinogradWeights(weight: weight, variant: variant)
            cache[variant] = computed
            return computed
        }
    }
}
