import Foundation
import Testing
@testable import VisModels

/// Decoding `config.json` in its different forms, and refusing what vispipe cannot run.
@Suite struct DetrConfigTests {
    static func decode(_ json: String) throws(ModelError) -> DetrConfig {
        try DetrConfig(json: ConfigJSON.parse(Data(json.utf8), file: "config.json"), file: "config.json")
    }

    /// The refusal's key path, or nil when decoding succeeded or failed otherwise.
    static func refusedKey(_ json: String) -> (key: String, message: String)? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            guard case .invalidConfigValue(_, let key, _, _) = error else { return nil }
            return (key, error.description)
        }
    }

    @Test func hubStyleTimmBackbone() throws {
        // The facebook/detr-resnet-50 form: no backbone_config, a timm name, id2label with gaps in names.
        let config = try Self.decode("""
        {"model_type": "detr", "use_timm_backbone": true, "backbone": "resnet50", "backbone_config": null,
         "backbone_kwargs": {"in_chans": 3, "out_indices": [1, 2, 3, 4]}, "dilation": false,
         "d_model": 256, "encoder_layers": 6, "decoder_layers": 6, "num_queries": 100,
         "id2label": {"0": "N/A", "1": "person", "90": "toothbrush"}, "activation_function": "relu",
         "position_embedding_type": "sine", "use_pretrained_backbone": true, "max_position_embeddings": 1024}
        """)
        #expect(config.backbone == ResNetConfig.timmPreset("resnet50"))
        #expect(config.backbone.stageWidths == [256, 512, 1024, 2048] && config.backbone.featureChannels == 2048)
        #expect(config.numLabels == 3 && config.id2label[90] == "toothbrush")
        #expect(config.encoderAttentionHeads == 8 && config.decoderFfnDim == 2048)
    }

    @Test func dilationMeansOutputStride16() throws {
        let config = try Self.decode(#"{"backbone": "resnet101", "dilation": true}"#)
        #expect(config.backbone.depths == [3, 4, 23, 3] && config.backbone.outputStride == 16)
        #expect(config.backbone.stageGeometry.map(\.stride) == [1, 2, 2, 1])
        #expect(config.backbone.stageGeometry.map(\.dilation) == [1, 1, 1, 2])
        // Without a backbone name transformers defaults to timm resnet50.
        #expect(try Self.decode("{}").backbone == ResNetConfig.timmPreset("resnet50"))
    }

    @Test func auxiliaryLossIsReadBecauseItChangesTheDecoder() throws {
        #expect(try Self.decode("{}").auxiliaryLoss == false)
        #expect(try Self.decode(#"{"auxiliary_loss": true}"#).auxiliaryLoss == true)
        #expect(Self.refusedKey(#"{"auxiliary_loss": "yes"}"#)?.key == "auxiliary_loss")
    }

    @Test func transformers5TimmBackboneConfig() throws {
        let config = try Self.decode("""
        {"backbone_config": {"model_type": "timm_backbone", "backbone": "resnet18", "output_stride": 16,
                             "out_indices": [1, 2, 3, 4], "features_only": true, "num_channels": 3,
                             "layers": [1, 1, 2, 1], "channels": [8, 8, 16, 16], "stem_width": 8},
         "dilation": true}
        """)
        #expect(config.backbone.blockKind == .basic && config.backbone.depths == [1, 1, 2, 1])
        #expect(config.backbone.stageWidths == [8, 8, 16, 16] && config.backbone.stemWidth == 64)
        #expect(config.backbone.outputStride == 16)
    }

    @Test func huggingFaceResNetBackboneConfig() throws {
        let config = try Self.decode("""
        {"backbone_config": {"model_type": "resnet", "embedding_size": 32, "hidden_sizes": [64, 128, 256, 512],
                             "depths": [2, 2, 2, 2], "layer_type": "bottleneck", "hidden_act": "relu",
                             "downsample_in_bottleneck": true, "downsample_in_first_stage": false,
                             "out_features": ["stage2", "stage4"], "out_indices": [2, 4]},
         "use_timm_backbone": false}
        """)
        #expect(config.backbone.stemWidth == 32 && config.backbone.innerWidths == [16, 32, 64, 128])
        #expect(config.backbone.bottleneckStride == .firstPointwise && config.backbone.outputStride == nil)
        // transformers' default Hugging Face backbone when nothing is said.
        let defaults = try Self.decode(#"{"use_timm_backbone": false, "backbone_config": null}"#)
        #expect(defaults.backbone.stageWidths == [256, 512, 1024, 2048] && defaults.backbone.bottleneckStride == .spatialConvolution)
    }

    @Test(arguments: [
        (#"{"position_embedding_type": "learned"}"#, "position_embedding_type"),
        (#"{"activation_function": "swish"}"#, "activation_function"),
        (#"{"backbone": "efficientnet_b0"}"#, "backbone"),
        (#"{"backbone": "resnet152"}"#, "backbone"),
        (#"{"model_type": "conditional_detr"}"#, "model_type"),
        (#"{"d_model": 250}"#, "d_model"),
        (#"{"d_model": 256, "encoder_attention_heads": 3}"#, "encoder_attention_heads"),
        (#"{"num_queries": 0}"#, "num_queries"),
        (#"{"encoder_layers": "six"}"#, "encoder_layers"),
        (#"{"id2label": {"zero": "cat"}}"#, "id2label.zero"),
        (#"{"backbone_kwargs": {"output_stride": 12}}"#, "backbone_kwargs.output_stride"),
        (#"{"backbone_kwargs": {"out_indices": [1, 2]}}"#, "backbone_kwargs.out_indices"),
        (#"{"backbone_config": {"model_type": "timm_backbone", "backbone": "resnet50", "stem_type": "deep"}}"#, "backbone_config.stem_type"),
        (#"{"backbone_config": {"model_type": "timm_backbone", "backbone": "resnet26d"}}"#, "backbone_config.backbone"),
        (#"{"backbone_config": {"model_type": "timm_backbone", "backbone": "resnet50", "layers": [1, 2]}}"#, "backbone_config.layers"),
        (#"{"backbone_config": {"model_type": "swin"}}"#, "backbone_config.model_type"),
        (#"{"backbone_config": {"backbone": "resnet50"}}"#, "backbone_config.model_type"),
        (#"{"backbone_config": {"model_type": "resnet", "hidden_act": "gelu"}}"#, "backbone_config.hidden_act"),
        (#"{"backbone_config": {"model_type": "resnet", "layer_type": "preactivation"}}"#, "backbone_config.layer_type"),
        (#"{"backbone_config": {"model_type": "resnet", "depths": [1, 1], "hidden_sizes": [8, 8, 8]}}"#, "backbone_config.hidden_sizes"),
        (#"{"backbone_config": {"model_type": "resnet", "out_features": ["stage3"]}}"#, "backbone_config.out_features"),
        (#"{"backbone_config": {"model_type": "resnet", "downsample_in_bottleneck": 1}}"#, "backbone_config.downsample_in_bottleneck"),
        (#"{"use_timm_backbone": false, "backbone": "microsoft/resnet-50"}"#, "backbone"),
    ])
    func refusesWithTheKeyNamed(_ json: String, _ key: String) {
        let refusal = Self.refusedKey(json)
        #expect(refusal?.key == key, "\(json) -> \(refusal?.message ?? "accepted")")
        #expect(refusal?.message.contains("'\(key)'") == true)
    }

    @Test func messagesSayWhatWasFoundAndExpected() {
        let refusal = Self.refusedKey(#"{"backbone_config": {"model_type": "resnet", "hidden_act": "gelu"}}"#)
        #expect(refusal?.message == #"config.json: 'backbone_config.hidden_act' is the string "gelu"; expected "relu" (the only activation vispipe's ResNet implements)"#)
    }

    @Test func unreadableFiles() throws {
        #expect(throws: ModelError.self) { try Self.decode("{\"d_model\": ") }
        let missing = try DetrFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: missing) }
        do {
            _ = try DetrConfig.load(directory: missing.path)
            Issue.record("a missing config.json was accepted")
        } catch {
            guard case .unreadableConfig(let file, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file.hasSuffix("config.json"))
        }
    }

    @Test func decodableThroughJSONDecoder() throws {
        let decoder = JSONDecoder()
        decoder.userInfo[DetrConfig.fileUserInfoKey] = "my/config.json"
        let config = try decoder.decode(DetrConfig.self, from: Data(#"{"num_queries": 7, "num_labels": 4}"#.utf8))
        #expect(config.numQueries == 7 && config.id2label[3] == "LABEL_3")
        do {
            _ = try decoder.decode(DetrConfig.self, from: Data(#"{"activation_function": "tanh"}"#.utf8))
            Issue.record("tanh accepted")
        } catch let error as ModelError {
            #expect(error.description.hasPrefix("my/config.json: 'activation_function'"))
        }
    }
}
