import VisTensor
import VisWeights

/// A ResNet feature extractor for inference: stem (7x7/2 convolution + batch norm + ReLU, 3x3/2
/// max pool), then the residual stages. Every batch norm is folded into its convolution when the
/// weights are loaded, and every ReLU that directly follows a convolution runs inside it.
///
/// Parameters are read with timm's names under a prefix (for DETR,
/// `model.backbone.conv_encoder.model.`); rename Hugging Face ResNet checkpoints first with
/// `ResNetKeyNames.timmName(forHuggingFaceName:)`.
public struct ResNetBackbone: Sendable {
    public let config: ResNetConfig
    let stem: FoldedConvolution
    let stages: [[ResidualBlock]]

    /// Takes every parameter of `config`'s network from `weights`; missing or mis-shaped ones are
    /// recorded in `weights` for its `finish()`. `num_batches_tracked` buffers must have been dropped.
    public init(config: ResNetConfig, weights: inout WeightStore, prefix: String) throws(ModelError) {
        try ResNetBackbone.validate(config)
        self.config = config
        stem = try FoldedConvolution(taking: &weights, convolution: "\(prefix)conv1", batchNorm: "\(prefix)bn1",
                                     inputChannels: config.inputChannels, outputChannels: config.stemWidth,
                                     kernel: 7, stride: 2, padding: 3)
        var channels = config.stemWidth
        var stages: [[ResidualBlock]] = []
        for stage in 0...config.featureStage {
            var blocks: [ResidualBlock] = []
            for block in 0..<config.depths[stage] {
                let residual = try ResidualBlock(taking: &weights, prefix: prefix, config: config, stage: stage, block: block,
                                                 inputChannels: channels)
                channels = residual.outputChannels
                blocks.append(residual)
            }
            stages.append(blocks)
        }
        self.stages = stages
    }

    /// The output of the feature stage, `[N, featureChannels, H', W']`, for `x` `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor) throws(ModelError) -> Tensor {
        try stageOutputs(x).last!
    }

    /// The output of every stage up to the feature stage (strides 4, 8, 16, 32 for a plain ResNet).
    public func stageOutputs(_ x: Tensor) throws(ModelError) -> [Tensor] {
        guard x.rank == 4, x.shape[1] == config.inputChannels else {
            throw .invalidInput(operation: "ResNetBackbone", detail: "input \(x.shape) is not [N, \(config.inputChannels), H, W]")
        }
        var outputs: [Tensor] = []
        var hidden: Tensor
        do {
            hidden = try maxPool2d(try stem(x, relu: true), kernelSize: 3, stride: 2, padding: 1)
        } catch {
            throw .computation(stage: "ResNet stem on input \(x.shape)", error)
        }
        for (stage, blocks) in stages.enumerated() {
            for (index, block) in blocks.enumerated() {
                do {
                    hidden = try block(hidden)
                } catch {
                    throw .computation(stage: "ResNet layer\(stage + 1).\(index) on input \(x.shape)", error)
                }
            }
            outputs.append(hidden)
        }
        return outputs
    }

    /// Refuses configurations that cannot describe a network (empty stages, mismatched lists).
    static func validate(_ config: ResNetConfig) throws(ModelError) {
        let problems: String?
        if config.depths.isEmpty || config.depths.contains(where: { $0 < 1 }) {
            problems = "depths \(config.depths) must be one or more block counts ≥ 1"
        } else if config.stageWidths.count != config.depths.count || config.innerWidths.count != config.depths.count {
            problems = "stage widths \(config.stageWidths) and inner widths \(config.innerWidths) need one entry per stage (\(config.depths.count))"
        } else if (config.stageWidths + config.innerWidths + [config.stemWidth, config.inputChannels]).contains(where: { $0 < 1 }) {
            problems = "widths must be positive"
        } else if !config.depths.indices.contains(config.featureStage) {
            problems = "feature stage \(config.featureStage) is not one of the \(config.depths.count) stages"
        } else {
            problems = nil
        }
        if let problems { throw .invalidInput(operation: "ResNetBackbone", detail: "invalid configuration: \(problems)") }
    }
}
