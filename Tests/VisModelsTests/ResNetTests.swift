import Testing
@testable import VisModels

@Suite struct ResNetTests {
    @Test func huggingFaceNamesBecomeTimmNames() {
        let cases: [(String, String?)] = [
            ("embedder.embedder.convolution.weight", "conv1.weight"),
            ("embedder.embedder.normalization.running_var", "bn1.running_var"),
            ("encoder.stages.0.layers.0.layer.2.convolution.weight", "layer1.0.conv3.weight"),
            ("encoder.stages.3.layers.12.layer.0.normalization.bias", "layer4.12.bn1.bias"),
            ("encoder.stages.1.layers.0.shortcut.convolution.weight", "layer2.0.downsample.0.weight"),
            ("encoder.stages.1.layers.0.shortcut.normalization.running_mean", "layer2.0.downsample.1.running_mean"),
            ("encoder.stages.1.layers.0.shortcut.normalization.num_batches_tracked", "layer2.0.downsample.1.num_batches_tracked"),
            ("conv1.weight", nil),
            ("layer1.0.conv1.weight", nil),
            ("encoder.stages.x.layers.0.layer.0.convolution.weight", nil),
            ("encoder.stages.0.layers.0.layer.0.convolution.bias", nil),
            ("embedder.embedder.normalization.weight.extra", nil),
            ("encoder.stages.1.layers.0.shortcut.convolution.bias", nil),
            ("encoder.stages.0.layers.0.layer.0.activation.weight", nil),
            ("embedder.pooler.weight", nil),
        ]
        for (name, expected) in cases {
            #expect(ResNetKeyNames.timmName(forHuggingFaceName: name) == expected, "\(name)")
        }
    }

    @Test func stageGeometryFollowsTimm() {
        let plain = ResNetConfig.timmPreset("resnet50")!
        #expect(plain.stageGeometry.map(\.stride) == [1, 2, 2, 2])
        var eight = plain
        eight.outputStride = 8
        #expect(eight.stageGeometry.map(\.stride) == [1, 2, 1, 1])
        #expect(eight.stageGeometry.map(\.dilation) == [1, 1, 2, 4])
        #expect(eight.stageGeometry.map(\.firstBlockDilation) == [1, 1, 1, 2])
        #expect(ResNetConfig.timmPreset("resnet34")!.innerWidths == [64, 128, 256, 512])
        #expect(ResNetConfig.timmPreset("resnet152") == nil)
    }
}
