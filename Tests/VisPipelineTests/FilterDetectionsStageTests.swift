import Testing
import VisModels
@testable import VisPipeline

@Suite struct FilterDetectionsStageTests {
    static func detection(_ score: Float, _ label: String, id: Int) -> Detection {
        Detection(score: score, labelID: id, label: label, box: BoundingBox(xmin: 0, ymin: 0, xmax: Float(id + 1), ymax: 1))
    }

    static let input = [
        detection(0.3, "cat", id: 1), detection(0.9, "dog", id: 2), detection(0.5, "cat", id: 1),
        detection(0.9, "cat", id: 1), detection(0.7, "bird", id: 3),
    ]

    static func run(_ values: [String: ParameterValue]) async throws -> [Detection] {
        let outputs = try await makeStage(FilterDetectionsStage.self, values).process(["detections": .detections(input)])
        return try #require(outputs["detections"]?.detectionList)
    }

    @Test func defaultsKeepEverythingInOrder() async throws {
        #expect(try await Self.run([:]) == Self.input)
    }

    @Test func minScoreIsInclusive() async throws {
        #expect(try await Self.run(["min_score": .number(0.5)]).map(\.score) == [0.9, 0.5, 0.9, 0.7])
    }

    @Test func labelsAllowList() async throws {
        let kept = try await Self.run(["labels": .stringList(["cat", "bird"])])
        #expect(kept.map(\.label) == ["cat", "cat", "cat", "bird"])
        #expect(try await Self.run(["labels": .stringList(["Cat"])]).isEmpty)
    }

    @Test func topKTakesTheBestWithTiesInInputOrder() async throws {
        let kept = try await Self.run(["top_k": .integer(3)])
        #expect(kept == [Self.input[1], Self.input[3], Self.input[4]])
        #expect(try await Self.run(["top_k": .integer(10)]).map(\.score) == [0.9, 0.9, 0.7, 0.5, 0.3])
    }

    @Test func filtersCombineBeforeTopK() async throws {
        let kept = try await Self.run(["min_score": .number(0.4), "labels": .stringList(["cat"]), "top_k": .integer(1)])
        #expect(kept == [Self.input[3]])
    }

    @Test func emptyInputGivesEmptyOutput() async throws {
        let outputs = try await makeStage(FilterDetectionsStage.self, ["top_k": .integer(2)]).process(["detections": .detections([])])
        #expect(try #require(outputs["detections"]?.detectionList).isEmpty)
    }
}
