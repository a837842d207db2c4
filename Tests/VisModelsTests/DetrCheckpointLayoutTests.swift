import Foundation
import Testing
import VisTensor
@testable import VisModels
import VisWeights

/// One tiny random DETR saved in every layout (Fixtures/models/detr/generate_layout_fixtures.py,
/// one model folder per layout): each checkpoint, renamed to canonical names, must hold exactly the
/// tensors of the hub file, and each folder must load as a whole model giving transformers' outputs.
@Suite struct DetrCheckpointLayoutTests {
    static let layoutsDirectory = fixturesDirectory.appendingPathComponent("models/detr/layouts")

    /// The layout fixtures' model folders, with the layout each is in.
    static let folders: [(String, DetrCheckpointLayout)] = [
        ("hub", .hub), ("transformers5", .transformers5), ("original", .original),
        ("hf_resnet_hub", .hub), ("hf_resnet_transformers5", .transformers5),
    ]

    static func folder(_ name: String) -> String { layoutsDirectory.appendingPathComponent(name).path }

    static func checkpoint(_ name: String) throws -> Checkpoint {
        try Checkpoint.open(directory: folder(name))
    }

    /// Every tensor of a canonicalised store, by name.
    static func contents(_ store: WeightStore) -> [String: WeightValue] {
        Dictionary(uniqueKeysWithValues: store.remainingNames.map { ($0, store.peek($0)!) })
    }

    @Test(arguments: folders)
    func everyLayoutCanonicalisesToTheHubFile(folder: String, layout: DetrCheckpointLayout) throws {
        let checkpoint = try Self.checkpoint(folder)
        #expect(DetrCheckpointLayout.detect(names: checkpoint.names) == layout)

        let reference = try Self.checkpoint("hub")
        let expected = Dictionary(uniqueKeysWithValues: try reference.names.map { ($0, try reference.weight($0)) })
        let canonical = Self.contents(try DetrCheckpointLayout.canonicalWeights(from: checkpoint))

        #expect(Set(canonical.keys).subtracting(expected.keys).sorted() == [], "names the hub file lacks")
        #expect(Set(expected.keys).subtracting(canonical.keys).sorted() == [], "hub names not produced")
        let differing = expected.keys.filter { canonical[$0] != nil && canonical[$0] != expected[$0] }.sorted()
        #expect(differing == [], "tensors whose shape or values differ from the hub file")
    }

    @Test func canonicalNamesAreTheSavePretrainedNames() throws {
        let names = Set(try Self.checkpoint("hub").names)
        for name in ["model.backbone.conv_encoder.model.conv1.weight", "model.backbone.conv_encoder.model.layer1.0.bn1.running_mean",
                     "model.backbone.conv_encoder.model.layer2.1.conv3.weight", "model.backbone.conv_encoder.model.layer1.0.downsample.1.bias",
                     "model.input_projection.weight", "model.query_position_embeddings.weight",
                     "model.encoder.layers.0.self_attn.q_proj.weight", "model.encoder.layers.0.self_attn.out_proj.bias",
                     "model.encoder.layers.0.self_attn_layer_norm.weight", "model.encoder.layers.0.fc1.weight",
                     "model.decoder.layers.0.encoder_attn.k_proj.bias", "model.decoder.layers.0.encoder_attn_layer_norm.bias",
                     "model.decoder.layernorm.weight", "class_labels_classifier.weight", "bbox_predictor.layers.2.bias"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test func originalLayoutSplitsStackedProjectionsInQKVOrder() throws {
        let original = try Self.checkpoint("original")
        let stacked = try original.tensor("transformer.decoder.layers.0.multihead_attn.in_proj_weight")
        let store = try DetrCheckpointLayout.canonicalWeights(from: original)
        let rows = stacked.shape[0] / 3, rowLength = stacked.shape[1]
        for (index, piece) in ["q", "k", "v"].enumerated() {
            guard case .float32(let tensor)? = store.peek("model.decoder.layers.0.encoder_attn.\(piece)_proj.weight") else {
                Issue.record("no \(piece)_proj.weight"); continue
            }
            #expect(tensor.shape == [rows, rowLength])
            let rowsMatch = tensor.storage == Array(stacked.storage[(index * rows * rowLength)..<((index + 1) * rows * rowLength)])
            #expect(rowsMatch, "\(piece)_proj.weight is not rows \(index * rows)..<\((index + 1) * rows) of in_proj_weight")
        }
        #expect(original.names.contains { $0.hasSuffix(".num_batches_tracked") })
        #expect(!store.remainingNames.contains { $0.hasSuffix(".num_batches_tracked") })
    }

    /// A Hugging Face ResNet backbone is renamed by `ResNetKeyNames` (tested in ResNetTests) in
    /// every layout that can hold one; backbone names it does not know are refused.
    @Test func hfResNetBackboneNamesBecomeTimmNames() {
        #expect(DetrCheckpointLayout.hub.renaming(of: "model.backbone.conv_encoder.model.encoder.stages.1.layers.0.shortcut.normalization.bias")
                == .renamed("model.backbone.conv_encoder.model.layer2.0.downsample.1.bias"))
        #expect(DetrCheckpointLayout.transformers5.renaming(of: "model.backbone.model.embedder.embedder.convolution.weight")
                == .renamed("model.backbone.conv_encoder.model.conv1.weight"))
        #expect(DetrCheckpointLayout.hub.renaming(of: "model.backbone.conv_encoder.model.encoder.stages.0.layers.0.layer.1.normalization.num_batches_tracked")
                == .dropped)
        #expect(DetrCheckpointLayout.hub.renaming(of: "model.backbone.conv_encoder.model.embedder.pooler.weight") == .unmapped)
    }

    @Test func layoutDetectionNeedsDistinctiveNamesOfOneLayout() {
        #expect(DetrCheckpointLayout.detect(names: ["model.encoder.layers.0.self_attn.out_proj.weight"]) == .hub)
        #expect(DetrCheckpointLayout.detect(names: ["model.decoder.layers.3.mlp.fc2.bias"]) == .transformers5)
        #expect(DetrCheckpointLayout.detect(names: ["query_embed.weight"]) == .original)
        // Names every layout shares, none at all, and a mixture tell nothing.
        #expect(DetrCheckpointLayout.detect(names: ["class_labels_classifier.weight", "model.input_projection.bias"]) == nil)
        #expect(DetrCheckpointLayout.detect(names: [String]()) == nil)
        #expect(DetrCheckpointLayout.detect(names: ["model.encoder.layers.0.fc1.weight", "model.encoder.layers.0.mlp.fc1.weight"]) == nil)
        #expect(DetrCheckpointLayout.detect(names: ["vit.embeddings.cls_token", "classifier.weight"]) == nil)
    }

    @Test func renamingRulesOfEachLayout() {
        #expect(DetrCheckpointLayout.transformers5.renaming(of: "model.decoder.layers.0.encoder_attn.o_proj.weight")
                == .renamed("model.decoder.layers.0.encoder_attn.out_proj.weight"))
        #expect(DetrCheckpointLayout.transformers5.renaming(of: "model.backbone.model.layer3.0.bn2.bias")
                == .renamed("model.backbone.conv_encoder.model.layer3.0.bn2.bias"))
        #expect(DetrCheckpointLayout.original.renaming(of: "transformer.encoder.layers.2.norm2.weight")
                == .renamed("model.encoder.layers.2.final_layer_norm.weight"))
        #expect(DetrCheckpointLayout.original.renaming(of: "transformer.decoder.layers.5.norm2.bias")
                == .renamed("model.decoder.layers.5.encoder_attn_layer_norm.bias"))
        #expect(DetrCheckpointLayout.original.renaming(of: "transformer.decoder.layers.5.norm3.bias")
                == .renamed("model.decoder.layers.5.final_layer_norm.bias"))
        #expect(DetrCheckpointLayout.original.renaming(of: "bbox_embed.layers.1.weight") == .renamed("bbox_predictor.layers.1.weight"))
        #expect(DetrCheckpointLayout.original.renaming(of: "backbone.0.body.layer4.2.bn3.num_batches_tracked") == .dropped)
        // Pre-norm encoders' final norm and learned position embeddings have no canonical counterpart.
        #expect(DetrCheckpointLayout.original.renaming(of: "transformer.encoder.norm.weight") == .unmapped)
        #expect(DetrCheckpointLayout.original.renaming(of: "backbone.1.row_embed.weight") == .unmapped)
        #expect(DetrCheckpointLayout.original.renaming(of: "transformer.encoder.layers.0.norm3.weight") == .unmapped)
        #expect(DetrCheckpointLayout.hub.renaming(of: "model.backbone.conv_encoder.model.encoder.stages.0.bogus") == .unmapped)
    }

    @Test func unrecognisedAndUnmappedNamesAreReportedWithTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("detr-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        func checkpoint(_ file: String, names: [String]) throws -> Checkpoint {
            var writer = SafetensorsWriter()
            for name in names { try writer.add(name, Tensor(zeros: [2])) }
            let path = directory.appendingPathComponent(file).path
            try writer.write(to: path)
            return try Checkpoint(file: path)
        }

        let unknown = try checkpoint("unknown.safetensors", names: ["vit.embeddings.cls_token", "classifier.weight"])
        #expect(throws: ModelError.unrecognisedCheckpointLayout(file: unknown.path, model: "DETR",
                                                                 knownLayouts: DetrCheckpointLayout.allCases.map(\.description), tensorCount: 2,
                                                                 sampleNames: ["classifier.weight", "vit.embeddings.cls_token"])) {
            _ = try DetrCheckpointLayout.canonicalWeights(from: unknown)
        }

        let prenorm = try checkpoint("prenorm.safetensors", names: ["transformer.encoder.norm.weight", "query_embed.weight",
                                                                    "backbone.1.col_embed.weight"])
        do {
            _ = try DetrCheckpointLayout.canonicalWeights(from: prenorm)
            Issue.record("a pre-norm checkpoint loaded")
        } catch {
            #expect(error == .unmappedCheckpointNames(file: prenorm.path, layout: DetrCheckpointLayout.original.description,
                                                      names: ["backbone.1.col_embed.weight", "transformer.encoder.norm.weight"]))
            #expect(error.description.contains("transformer.encoder.norm.weight") && error.description.contains(prenorm.path))
        }
    }
}
