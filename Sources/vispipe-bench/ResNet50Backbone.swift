import VisTensor

/// ResNet-50's convolutional trunk as DETR-R50 runs it (torchvision layout: stride on the 3×3 of
/// each stage's first bottleneck), with every batch norm folded into its convolution's bias and
/// random weights. It is the sequence of shapes that dominates DETR's time, timed end to end:
/// stem 7×7/2 + ReLU, max pool 3×3/2, then 3/4/6/3 bottlenecks (1×1 → 3×3 → 1×1, residual add, ReLU).
struct ResNet50Backbone {
    /// A `PreparedConv2d`, built (weights transformed) before anything is timed, as a model load does.
    struct Convolution {
        let prepared: PreparedConv2d
        var weight: Tensor { prepared.weight }
        var stride: Int { prepared.stride.height }
        var padding: Int { prepared.padding.height }

        /// He-scaled random weights keep activations in a realistic range through 50 layers.
        init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, seed: inout UInt64) {
            let fanIn = Float(inChannels * kernel * kernel)
            seed += 1
            let weight = randomTensor([outChannels, inChannels, kernel, kernel], seed: seed, scale: (3 / fanIn).squareRoot())
            seed += 1
            let bias = randomTensor([outChannels], seed: seed, scale: 0.1)
            // The shapes are valid by construction.
            prepared = try! PreparedConv2d(weight: weight, bias: bias, stride: SpatialPair(stride),
                                           padding: SpatialPair(kernel / 2))
        }

        /// With `direct`, Winograd is replaced by im2col (sums of the products as written), the
        /// reference for `--backbone-accuracy`.
        func callAsFunction(_ x: Tensor, residual: Tensor? = nil, relu: Bool = true, direct: Bool = false) throws -> Tensor {
            let chosen = try prepared.algorithm(forInput: x.shape)
            if direct, chosen == .winogradF2x2 || chosen == .winogradF4x4 {
                return try prepared(x, residual: residual, fusedReLU: relu, algorithm: .im2colGEMM)
            }
            return try prepared(x, residual: residual, fusedReLU: relu)
        }

        /// Multiply-adds × 2 of the direct convolution on an `height × width` input (Winograd and
        /// other fast algorithms are credited with the work they avoid, as usual for GFLOP/s).
        func flops(height: Int, width: Int) -> (flops: Double, outHeight: Int, outWidth: Int) {
            let kernel = weight.shape[2]
            let oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1
            return (2 * Double(weight.count) * Double(oh * ow), oh, ow)
        }
    }

    struct Bottleneck {
        let reduce: Convolution
        let spatial: Convolution
        let expand: Convolution
        let downsample: Convolution?

        func callAsFunction(_ x: Tensor, direct: Bool = false) throws -> Tensor {
            let identity = try downsample.map { try $0(x, relu: false) } ?? x
            return try expand(try spatial(try reduce(x), direct: direct), residual: identity)
        }
    }

    let stem: Convolution
    /// layer1 … layer4.
    let stages: [[Bottleneck]]

    init() {
        var seed: UInt64 = 100
        stem = Convolution(3, 64, kernel: 7, stride: 2, seed: &seed)
        var stages: [[Bottleneck]] = []
        var inChannels = 64
        for (stage, (blocks, width)) in zip([3, 4, 6, 3], [64, 128, 256, 512]).enumerated() {
            var bottlenecks: [Bottleneck] = []
            for block in 0..<blocks {
                let stride = block == 0 && stage > 0 ? 2 : 1
                let needsProjection = block == 0
                bottlenecks.append(Bottleneck(
                    reduce: Convolution(inChannels, width, kernel: 1, seed: &seed),
                    spatial: Convolution(width, width, kernel: 3, stride: stride, seed: &seed),
                    expand: Convolution(width, 4 * width, kernel: 1, seed: &seed),
                    downsample: needsProjection ? Convolution(inChannels, 4 * width, kernel: 1, stride: stride, seed: &seed) : nil))
                inChannels = 4 * width
            }
            stages.append(bottlenecks)
        }
        self.stages = stages
    }

    /// The stem (with its max pool) and each stage, as separately timeable steps.
    var steps: [(name: String, run: (Tensor) throws -> Tensor)] { steps(direct: false) }

    /// `steps`, with Winograd replaced by im2col when `direct` is set.
    func steps(direct: Bool) -> [(name: String, run: (Tensor) throws -> Tensor)] {
        [("stem + max pool", { x in try maxPool2d(try stem(x), kernelSize: 3, stride: 2, padding: 1) })]
            + stages.enumerated().map { index, blocks in
                ("layer\(index + 1)", { x in try blocks.reduce(x) { y, block in try block(y, direct: direct) } })
            }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try steps.reduce(x) { y, step in try step.run(y) }
    }

    /// Convolution FLOPs of one forward pass per step (the max pool's comparisons are not counted).
    func flops(height: Int, width: Int) -> [Double] {
        var (h, w) = (height, width)
        let stemCost = stem.flops(height: h, width: w)
        (h, w) = ((stemCost.outHeight + 2 - 3) / 2 + 1, (stemCost.outWidth + 2 - 3) / 2 + 1)
        var result = [stemCost.flops]
        for blocks in stages {
            var total = 0.0
            for block in blocks {
                let a = block.reduce.flops(height: h, width: w)
                let b = block.spatial.flops(height: a.outHeight, width: a.outWidth)
                let c = block.expand.flops(height: b.outHeight, width: b.outWidth)
                total += a.flops + b.flops + c.flops + (block.downsample?.flops(height: h, width: w).flops ?? 0)
                (h, w) = (c.outHeight, c.outWidth)
            }
            result.append(total)
        }
        return result
    }
}
