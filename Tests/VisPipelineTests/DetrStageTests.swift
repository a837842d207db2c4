import Foundation
import Testing
import VisImage
import VisModels
@testable import VisPipeline

/// The `detr` stage on the tiny random-weight `timm_basic` fixture (detections are arbitrary but
/// deterministic), with a small-image preprocessing configuration so the test runs at 48 pixels.
@Suite struct DetrStageTests {
    /// A copy of the fixture model with `preprocessor_config.json` resizing to 48..80 pixels.
    static func scratchModel() throws -> ScratchFolder {
        let scratch = ScratchFolder("detr-stage")
        let fixture = fixturesDirectory.appendingPathComponent("models/detr/timm_basic")
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(file), to: scratch.url.appendingPathComponent(file))
        }
        try Data(#"{"size": {"shortest_edge": 48, "longest_edge": 80}}"#.utf8)
            .write(to: scratch.url.appendingPathComponent("preprocessor_config.json"))
        return scratch
    }

    @Test func detectionsEqualTheModelRunDirectly() async throws {
        let scratch = try Self.scratchModel()
        defer { scratch.remove() }
        let image = gradientImage(width: 40, height: 30)

        let processor = try DetrImageProcessor(directory: scratch.url.path)
        let model = try DetrModel.load(directory: scratch.url.path)
        let inputs = try processor.preprocess([image])
        #expect(inputs.pixelValues.shape == [1, 3, 48, 64])
        let output = try model.forward(pixelValues: inputs.pixelValues, pixelMask: inputs.pixelMask)

        for (threshold, topK, labelsPerQuery) in [(0.0, 0, 1), (0.0, 3, 1), (0.4, 0, 1), (0.0, 0, 2)] {
            let expected = try DetrPostProcessor(id2label: model.config.id2label, threshold: Float(threshold),
                                                 topK: topK == 0 ? nil : topK, labelsPerQuery: labelsPerQuery)
                .detections(output, originalSizes: [(30, 40)])[0]
            let stage = try makeStage(DetrStage.self, ["model": .string(scratch.url.path), "threshold": .number(threshold),
                                                       "top_k": .integer(topK), "labels_per_query": .integer(labelsPerQuery)])
            let outputs = try await stage.process(["image": .image(ImageValue(image: image))])
            let detections = try #require(outputs["detections"]?.detectionList)
            #expect(detections == expected, "threshold \(threshold), top_k \(topK), labels_per_query \(labelsPerQuery)")
            if threshold == 0 {
                #expect(detections.count == (topK == 0 ? model.config.numQueries * labelsPerQuery : topK))
            }
        }
    }

    @Test func stagesNamingOneDirectoryShareOneLoad() async throws {
        let scratch = try Self.scratchModel()
        defer { scratch.remove() }
        let context = CountingContext()
        let first = try makeStage(DetrStage.self, ["model": .string(scratch.url.path)], context: context)
        // Another spelling of the same directory.
        let second = try makeStage(DetrStage.self, ["model": .string(scratch.url.path + "/./"), "threshold": .number(0.1)],
                                   context: context)
        #expect(context.totalLoads == 1)
        #expect(context.loads(DetrStage.cacheKey(modelDirectory: scratch.url.path)) == 1)
        #expect(first.loaded.model === second.loaded.model)
        #expect(first.postProcessor.threshold == 0.5 && second.postProcessor.threshold == 0.1)
    }

    @Test func missingModelDirectoryIsAModelError() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-no-such-model").path
        #expect {
            _ = try makeStage(DetrStage.self, ["model": .string(missing)])
        } throws: { error in
            guard case .model? = error as? BuiltinStageError else { return false }
            return "\(error)".contains("vispipe-no-such-model")
        }
    }

    @Test func modelParameterIsRequired() {
        #expect {
            _ = try makeStage(DetrStage.self)
        } throws: { error in
            "\(error)" == "parameter 'model' is missing; expected a value (the parameter is required)"
        }
    }
}
