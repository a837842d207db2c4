import Foundation
import Testing
import VisTensor
import VisWeights
@testable import VisModels

/// Checkpoints that do not fit the configuration are refused with every offending name listed.
@Suite struct DetrWeightVerificationTests {
    static let fixture = "timm_basic"

    static func mismatch(_ edit: (inout WeightStore) throws -> Void) throws -> WeightVerificationError? {
        let config = try DetrConfig.load(directory: DetrFixtures.modelPath(fixture))
        var weights = try DetrFixtures.weights(fixture)
        try edit(&weights)
        do {
            _ = try DetrModel(config: config, weights: &weights)
            return nil
        } catch {
            guard case .weightMismatch(_, let problems) = error else { return nil }
            return problems
        }
    }

    @Test func fixtureWeightsAreComplete() throws {
        #expect(try Self.mismatch { _ in } == nil)
    }

    @Test func missingTensorIsNamed() throws {
        let name = "model.decoder.layers.1.encoder_attn.v_proj.bias"
        let problems = try Self.mismatch { $0.remove(name) }
        #expect(problems?.missing == [name])
        #expect(problems?.unexpected.isEmpty == true)
    }

    @Test func extraTensorIsNamed() throws {
        let problems = try Self.mismatch { try $0.insert(Tensor(zeros: [4]), as: "model.encoder.layers.9.fc1.bias") }
        #expect(problems?.unexpected == ["model.encoder.layers.9.fc1.bias"])
        #expect(problems?.missing.isEmpty == true)
    }

    @Test func wrongShapeIsNamed() throws {
        let name = "model.backbone.conv_encoder.model.layer2.0.conv1.weight"
        let problems = try Self.mismatch { store in
            let shape = store.shape(of: name)!
            store.remove(name)
            try store.insert(Tensor(zeros: [shape[0] + 1] + shape.dropFirst()), as: name)
        }
        #expect(problems?.shapeMismatches.map(\.name) == [name])
    }

    /// The same through `DetrModel.load(directory:)` on an edited copy of the fixture folder: the
    /// error names the directory and lists the missing and the unexpected tensor.
    @Test func editedCheckpointOnDisk() throws {
        let source = DetrFixtures.modelPath(Self.fixture)
        let checkpoint = try Checkpoint.open(directory: source)
        var tensors: [String: Tensor] = [:]
        for name in checkpoint.names { tensors[name] = try checkpoint.tensor(name) }
        let dropped = "model.query_position_embeddings.weight"
        tensors[dropped] = nil
        tensors["model.backbone.conv_encoder.model.fc.weight"] = Tensor(zeros: [2, 2])
        let copy = try DetrFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: copy) }
        try SafetensorsWriter.write(tensors, to: copy.appendingPathComponent("model.safetensors").path)
        try FileManager.default.copyItem(atPath: (source as NSString).appendingPathComponent("config.json"),
                                         toPath: copy.appendingPathComponent("config.json").path)
        do {
            _ = try DetrModel.load(directory: copy.path)
            Issue.record("an edited checkpoint was accepted")
        } catch {
            guard case .weightMismatch(let directory, let problems) = error else { Issue.record("unexpected \(error)"); return }
            #expect(directory == copy.path)
            #expect(problems.missing == [dropped])
            #expect(problems.unexpected == ["model.backbone.conv_encoder.model.fc.weight"])
            #expect(error.description.contains(dropped))
        }
    }

    @Test func missingCheckpointFile() throws {
        let empty = try DetrFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        try FileManager.default.copyItem(atPath: (DetrFixtures.modelPath(Self.fixture) as NSString).appendingPathComponent("config.json"),
                                         toPath: empty.appendingPathComponent("config.json").path)
        #expect(throws: ModelError.self) { try DetrModel.load(directory: empty.path) }
    }
}
