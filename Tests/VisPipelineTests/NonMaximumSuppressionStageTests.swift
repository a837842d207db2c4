import Testing
import VisModels
@testable import VisPipeline

@Suite struct NonMaximumSuppressionStageTests {
    static func detection(_ score: Float, _ label: String, id: Int, x: Float) -> Detection {
        Detection(score: score, labelID: id, label: label, box: BoundingBox(xmin: x, ymin: 0, xmax: x + 10, ymax: 10))
    }

    /// Two cats stacked on one spot, a dog on the same spot, a cat elsewhere.
    static let input = [
        detection(0.6, "cat", id: 1, x: 0), detection(0.9, "cat", id: 1, x: 1), detection(0.8, "dog", id: 2, x: 0),
        detection(0.7, "cat", id: 1, x: 100),
    ]

    static func run(_ values: [String: ParameterValue]) async throws -> [Detection] {
        let outputs = try await makeStage(NonMaximumSuppressionStage.self, values).process(["detections": .detections(input)])
        return try #require(outputs["detections"]?.detectionList)
    }

    @Test func defaultsSuppressPerLabelAtHalfOverlap() async throws {
        #expect(try await Self.run([:]) == [Self.input[1], Self.input[2], Self.input[3]])
    }

    @Test func acrossLabelsWhenPerLabelIsOff() async throws {
        #expect(try await Self.run(["per_label": .boolean(false)]) == [Self.input[1], Self.input[3]])
    }

    @Test func iouThresholdIsAParameter() async throws {
        // The stacked cats overlap with IoU 9/11 ≈ 0.82.
        #expect(try await Self.run(["iou": .number(0.85)]).count == 4)
        #expect(try await Self.run(["iou": .number(0.8)]).count == 3)
    }

    @Test func outOfRangeIouIsRefused() {
        #expect(throws: (any Error).self) { _ = try makeStage(NonMaximumSuppressionStage.self, ["iou": .number(1.5)]) }
    }
}
