import Foundation
import Testing
import VisTensor
import VisWeights
@testable import VisModels

/// Every layout fixture folder (hub, transformers 5 in-memory, facebookresearch/detr, and the
/// HF-ResNet-backbone files) loads through `DetrModel.load(directory:)` as a whole model, and all
/// give the same outputs, which are transformers' (Fixtures/models/detr/generate_layout_fixtures.py).
@Suite struct DetrLayoutLoadingTests {
    static let expected = DetrCheckpointLayoutTests.layoutsDirectory.appendingPathComponent("expected.safetensors")

    @Test func everyLayoutLoadsAsTheSameModel() throws {
        let reference = try SafetensorsFile(path: Self.expected.path)
        let pixels = try reference.tensor("pixel_values"), mask = try reference.tensor("pixel_mask")
        #expect(mask.storage.contains(0), "the reference input must contain padding")

        var first: (name: String, output: DetrOutput)?
        for (folder, _) in DetrCheckpointLayoutTests.folders {
            let model = try DetrModel.load(directory: DetrCheckpointLayoutTests.folder(folder))
            let output = try model.forward(pixelValues: pixels, pixelMask: mask)
            if let first {
                // The same float32 weights in the same model: the same numbers, bit for bit.
                #expect(output.logits == first.output.logits, "\(folder) logits differ from \(first.name)'s")
                #expect(output.predBoxes == first.output.predBoxes, "\(folder) pred_boxes differ from \(first.name)'s")
            } else {
                first = (folder, output)
                let logitsError = DetrFixtures.relativeError(output.logits, try reference.tensor("logits"))
                let boxesError = DetrFixtures.relativeError(output.predBoxes, try reference.tensor("pred_boxes"))
                print("DETR layout fixture \(folder): logits rel err \(logitsError), pred_boxes rel err \(boxesError)")
                #expect(logitsError <= DetrModelTests.tolerance && boxesError <= DetrModelTests.tolerance)
            }
        }
    }

    /// A folder whose checkpoint fits no layout is refused naming the file and showing its names.
    @Test func unrecognisedLayoutIsReportedByLoad() throws {
        let directory = try DetrFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: DetrCheckpointLayoutTests.layoutsDirectory.appendingPathComponent("hub/config.json"),
                                         to: directory.appendingPathComponent("config.json"))
        try SafetensorsWriter.write(["vit.embeddings.cls_token": Tensor(zeros: [1, 1, 4])],
                                    to: directory.appendingPathComponent("model.safetensors").path)
        do {
            _ = try DetrModel.load(directory: directory.path)
            Issue.record("a ViT checkpoint loaded as DETR")
        } catch {
            guard case .unrecognisedCheckpointLayout(let file, _, _, _, let names) = error else { Issue.record("\(error)"); return }
            #expect(file.hasSuffix("model.safetensors") && names == ["vit.embeddings.cls_token"])
            #expect(error.description.contains("vit.embeddings.cls_token"))
        }
    }
}
