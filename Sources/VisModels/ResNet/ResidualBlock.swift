import VisTensor
import VisWeights

/// One residual block (basic or bottleneck): its folded convolutions in order, the optional
/// 1x1 projection shortcut, then `relu(main + shortcut)`.
struct ResidualBlock: Sendable {
    /// Every convolution but the last is followed by a ReLU (fused into it).
    let convolutions: [FoldedConvolution]
    let shortcut: FoldedConvolution?

    /// Reads block `block` of stage `stage` (timm names `layer{stage+1}.{block}.conv{k}` / `bn{k}` /
    /// `downsample.{0,1}` under `prefix`).
    init(taking weights: inout WeightStore, prefix: String, config: ResNetConfig, stage: Int, block: Int,
         inputChannels: Int) throws(ModelError) {
        let geometry = config.stageGeometry[stage]
        let first = block == 0
        let stride = first ? geometry.stride : 1
        let spatialDilation = first ? geometry.firstBlockDilation : geometry.dilation
        let output = config.stageWidths[stage], inner = config.innerWidths[stage]
        let name = "\(prefix)layer\(stage + 1).\(block)"
        func conv(_ k: Int, _ input: Int, _ out: Int, kernel: Int, stride: Int = 1, dilation: Int = 1) throws(ModelError) -> FoldedConvolution {
            try FoldedConvolution(taking: &weights, convolution: "\(name).conv\(k)", batchNorm: "\(name).bn\(k)",
                                  inputChannels: input, outputChannels: out, kernel: kernel, stride: stride,
                                  padding: kernel == 3 ? dilation : 0, dilation: dilation)
        }
        switch config.blockKind {
        case .basic:
            // timm: the strided 3x3 uses the block's first dilation, the second 3x3 the stage's.
            convolutions = [try conv(1, inputChannels, inner, kernel: 3, stride: stride, dilation: spatialDilation),
                            try conv(2, inner, output, kernel: 3, dilation: geometry.dilation)]
        case .bottleneck:
            let pointwiseStride = config.bottleneckStride == .firstPointwise ? stride : 1
            let spatialStride = config.bottleneckStride == .spatialConvolution ? stride : 1
            convolutions = [try conv(1, inputChannels, inner, kernel: 1, stride: pointwiseStride),
                            try conv(2, inner, inner, kernel: 3, stride: spatialStride, dilation: spatialDilation),
                            try conv(3, inner, output, kernel: 1)]
        }
        // Both timm and HF project the shortcut exactly when the shape changes.
        if stride != 1 || inputChannels != output {
            shortcut = try FoldedConvolution(taking: &weights, convolution: "\(name).downsample.0", batchNorm: "\(name).downsample.1",
                                             inputChannels: inputChannels, outputChannels: output, kernel: 1, stride: stride)
        } else {
            shortcut = nil
        }
    }

    var outputChannels: Int { convolutions.last!.outputChannels }

    func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        var hidden = x
        for convolution in convolutions.dropLast() { hidden = try convolution(hidden, relu: true) }
        let identity = try shortcut.map { s throws(TensorError) in try s(x, relu: false) } ?? x
        // relu(conv + bias + identity) in the convolution's own output pass.
        return try convolutions.last!(hidden, residual: identity, relu: true)
    }
}
