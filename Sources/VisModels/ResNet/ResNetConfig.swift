/// The architecture of a ResNet backbone: enough to build both timm's / torchvision's ResNet
/// (v1.5: the stride on the 3x3 convolution) and Hugging Face's `ResNetModel`, whose bottleneck may
/// put the stride on its first 1x1 convolution and whose first stage may downsample.
///
/// Every ResNet here has the plain stem (7x7/2 convolution, batch norm, ReLU, 3x3/2 max pool),
/// batch norms after every convolution, 1x1 convolution + batch norm shortcuts where the shape
/// changes, and ReLU activations.
public struct ResNetConfig: Sendable, Equatable {
    /// The residual block of every stage.
    public enum BlockKind: String, Sendable {
        /// Two 3x3 convolutions (ResNet-18/34).
        case basic
        /// 1x1 reduce, 3x3, 1x1 expand (ResNet-50/101).
        case bottleneck
    }

    /// Which convolution of a bottleneck block carries the stage's stride.
    public enum BottleneckStride: Sendable {
        /// The 3x3 convolution (ResNet v1.5: timm, torchvision, HF's default).
        case spatialConvolution
        /// The first 1x1 convolution (original ResNet v1; HF `downsample_in_bottleneck: true`).
        case firstPointwise
    }

    public var blockKind: BlockKind
    /// Channels of the input image.
    public var inputChannels: Int
    /// Output channels of the stem convolution.
    public var stemWidth: Int
    /// Blocks per stage.
    public var depths: [Int]
    /// Output channels of each stage (timm: `channels[i] · expansion`; HF: `hidden_sizes[i]`).
    public var stageWidths: [Int]
    /// Channels inside each stage's bottleneck (its 3x3 convolution); equal to `stageWidths` for basic blocks.
    public var innerWidths: [Int]
    public var bottleneckStride: BottleneckStride
    /// Whether the first stage halves the resolution too (HF `downsample_in_first_stage`).
    public var downsampleInFirstStage: Bool
    /// timm's `output_stride`: once the network reaches this stride, later stages replace their
    /// stride by dilation (16 gives DETR's "DC5"). `nil` never dilates.
    public var outputStride: Int?
    /// The stage whose output the detector uses (0-based; the last stage unless the configuration
    /// lists an earlier one last).
    public var featureStage: Int

    public init(blockKind: BlockKind, inputChannels: Int = 3, stemWidth: Int, depths: [Int], stageWidths: [Int],
                innerWidths: [Int]? = nil, bottleneckStride: BottleneckStride = .spatialConvolution,
                downsampleInFirstStage: Bool = false, outputStride: Int? = nil, featureStage: Int? = nil) {
        self.blockKind = blockKind
        self.inputChannels = inputChannels
        self.stemWidth = stemWidth
        self.depths = depths
        self.stageWidths = stageWidths
        self.innerWidths = innerWidths ?? (blockKind == .basic ? stageWidths : stageWidths.map { $0 / 4 })
        self.bottleneckStride = bottleneckStride
        self.downsampleInFirstStage = downsampleInFirstStage
        self.outputStride = outputStride
        self.featureStage = featureStage ?? (depths.count - 1)
    }

    /// Output channels of the feature stage.
    public var featureChannels: Int { stageWidths[featureStage] }

    /// The timm ResNets DETR checkpoints use: `resnet18`, `resnet34`, `resnet50`, `resnet101`
    /// (7x7 stem of 64, stage channels 64/128/256/512, bottleneck expansion 4).
    public static func timmPreset(_ name: String) -> ResNetConfig? {
        let (kind, depths): (BlockKind, [Int])
        switch name {
        case "resnet18": (kind, depths) = (.basic, [2, 2, 2, 2])
        case "resnet34": (kind, depths) = (.basic, [3, 4, 6, 3])
        case "resnet50": (kind, depths) = (.bottleneck, [3, 4, 6, 3])
        case "resnet101": (kind, depths) = (.bottleneck, [3, 4, 23, 3])
        default: return nil
        }
        return timm(kind, depths: depths, channels: [64, 128, 256, 512], stemWidth: 64)
    }

    /// The timm names `timmPreset` knows.
    public static let timmPresetNames = ["resnet18", "resnet34", "resnet50", "resnet101"]

    /// A timm `ResNet(block, layers, channels, stem_width, base_width, output_stride)`.
    public static func timm(_ kind: BlockKind, depths: [Int], channels: [Int], stemWidth: Int,
                            baseWidth: Int = 64, outputStride: Int = 32) -> ResNetConfig {
        let expansion = kind == .basic ? 1 : 4
        return ResNetConfig(blockKind: kind, stemWidth: stemWidth, depths: depths,
                            stageWidths: channels.map { $0 * expansion },
                            innerWidths: kind == .basic ? channels : channels.map { $0 * baseWidth / 64 },
                            outputStride: outputStride)
    }

    /// Stride and dilations of each stage, following timm's rule: stage 0 keeps the stem's
    /// stride 4 (unless it downsamples), later stages halve; once the running stride has reached
    /// `outputStride`, a stage's stride becomes dilation instead. A stage's first block uses the
    /// previous stage's dilation in its strided convolution.
    public var stageGeometry: [StageGeometry] {
        var result: [StageGeometry] = []
        var netStride = 4, dilation = 1
        for index in depths.indices {
            var stride = index == 0 && !downsampleInFirstStage ? 1 : 2
            let previousDilation = dilation
            if let outputStride, netStride >= outputStride {
                dilation *= stride
                stride = 1
            } else {
                netStride *= stride
            }
            result.append(StageGeometry(stride: stride, dilation: dilation, firstBlockDilation: previousDilation))
        }
        return result
    }

    /// How one stage changes resolution.
    public struct StageGeometry: Sendable, Equatable {
        /// Stride of the stage's first block (1 or 2).
        public var stride: Int
        /// Dilation of the 3x3 convolutions after the first strided one.
        public var dilation: Int
        /// Dilation of the first block's strided 3x3 convolution (timm's `first_dilation`).
        public var firstBlockDilation: Int
    }
}
