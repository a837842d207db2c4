import Foundation
import Testing
import VisImage
import VisTensor
@testable import VisModels
import VisWeights

/// The shipped ShapesWorld detector (Fixtures/models/shapes-detr) against transformers on four demo
/// images, end to end: image files -> preprocessing -> model -> post-processed detections
/// (Fixtures/models/shapes-detr-parity/generate.py).
@Suite struct ShapesDetrParityTests {
    static let modelDirectory = fixturesDirectory.appendingPathComponent("models/shapes-detr").path
    static let parityDirectory = fixturesDirectory.appendingPathComponent("models/shapes-detr-parity")
    static let imagesDirectory = fixturesDirectory.appendingPathComponent("images/demo")
    static let files = ["shapes_000000.png", "shapes_000001.jpg", "shapes_000006.png", "shapes_000011.jpg"]
    /// The DETR parity tolerance: max |vispipe - transformers| / max |transformers|.
    static let tolerance: Float = 1e-4

    struct ExpectedDetection: Decodable {
        var label_id: Int
        var score: Float
        var box: [Float]
    }

    @Test func matchesTransformersEndToEnd() throws {
        let expected = try SafetensorsFile(path: Self.parityDirectory.appendingPathComponent("expected.safetensors").path)
        let images = try Self.files.map { name throws in
            try ImageDecoder.decode(contentsOf: Self.imagesDirectory.appendingPathComponent(name).path)
        }
        let processor = try DetrImageProcessor(directory: Self.modelDirectory)
        let inputs = try processor.preprocess(images)
        let pixelValues = try expected.tensor("pixel_values")
        #expect(inputs.pixelValues.shape == pixelValues.shape)
        // One uint8 level after normalisation (JPEG decoders may differ by a level; PNG is exact).
        let pixelError = zip(inputs.pixelValues.storage, pixelValues.storage).map { abs($0 - $1) }.max() ?? .infinity
        #expect(pixelError <= 1.0 / 255.0 / 0.224 + 1e-5, "max |Δ pixel_values| = \(pixelError)")

        // The model on transformers' own inputs isolates the network from decoding.
        let model = try DetrModel.load(directory: Self.modelDirectory)
        // Trained with auxiliary losses: this fixture is the one that checks the decoder's
        // between-layer norm that transformers applies when the flag is set.
        #expect(model.config.auxiliaryLoss)
        let output = try model.forward(pixelValues: pixelValues, pixelMask: try expected.tensor("pixel_mask"))
        let logitsError = DetrFixtures.relativeError(output.logits, try expected.tensor("logits"))
        let boxesError = DetrFixtures.relativeError(output.predBoxes, try expected.tensor("pred_boxes"))
        print("shapes-detr: logits rel err \(logitsError), pred_boxes rel err \(boxesError), pixel err \(pixelError)")
        #expect(logitsError <= Self.tolerance)
        #expect(boxesError <= Self.tolerance)

        let expectedDetections = try JSONDecoder().decode(
            [String: [ExpectedDetection]].self,
            from: Data(contentsOf: Self.parityDirectory.appendingPathComponent("detections.json")))
        let postProcessor = DetrPostProcessor(id2label: model.config.id2label, threshold: 0.5)
        let detections = try postProcessor.detections(output, originalSizes: inputs.originalSizes)
        for (name, found) in zip(Self.files, detections) {
            let wanted = try #require(expectedDetections[name])
            #expect(!wanted.isEmpty, "\(name): the reference finds nothing; the fixture proves little")
            #expect(found.map(\.labelID) == wanted.map(\.label_id), "\(name) labels")
            for (mine, theirs) in zip(found, wanted) {
                #expect(abs(mine.score - theirs.score) <= 1e-4, "\(name) score")
                let corners = [mine.box.xmin, mine.box.ymin, mine.box.xmax, mine.box.ymax]
                let boxError = zip(corners, theirs.box).map { abs($0 - $1) }.max() ?? .infinity
                #expect(boxError <= 1e-3, "\(name) box differs by \(boxError) px")
            }
        }
    }

    @Test func configCarriesTheShapesWorldTaxonomy() throws {
        let config = try DetrConfig.load(directory: Self.modelDirectory)
        #expect(config.id2label == [0: "N/A", 1: "circle", 2: "square", 3: "triangle", 4: "pentagon", 5: "hexagon", 6: "star"])
        let weights = try FileManager.default.attributesOfItem(
            atPath: Self.modelDirectory + "/model.safetensors")[.size] as? Int ?? .max
        #expect(weights <= 25_000_000)
    }
}
