import Foundation
import Testing
import VisTensor
@testable import VisModels
import VisWeights

/// DETR post-processing against transformers 5.23's `post_process_object_detection`
/// (Fixtures/models/detr/generate_preprocess_fixtures.py).
@Suite struct DetrPostProcessorTests {
    static let fixture = fixturesDirectory.appendingPathComponent("models/detr/postprocess.safetensors")

    static func load() throws -> (SafetensorsFile, DetrOutput, [(height: Int, width: Int)]) {
        let file = try SafetensorsFile(path: fixture.path)
        let output = DetrOutput(logits: try file.tensor("logits"), predBoxes: try file.tensor("pred_boxes"))
        let sizes = try file.int64s("target_sizes").values
        return (file, output, [(Int(sizes[0]), Int(sizes[1])), (Int(sizes[2]), Int(sizes[3]))])
    }

    @Test(arguments: [Float(0.5), 0.0])
    func matchesTransformers(threshold: Float) throws {
        let (file, output, sizes) = try Self.load()
        let detections = try DetrPostProcessor(id2label: [:], threshold: threshold).detections(output, originalSizes: sizes)
        #expect(detections.count == 2)
        for (b, found) in detections.enumerated() {
            let prefix = "t\(threshold == 0 ? "0.0" : "0.5").image\(b)"
            let scores = try file.tensor("\(prefix).scores").storage
            let labels = try file.int64s("\(prefix).labels").values.map { Int($0) }
            let boxes = try file.tensor("\(prefix).boxes").storage
            #expect(found.map(\.labelID) == labels, "\(prefix) labels")
            #expect(found.map(\.label) == labels.map { "LABEL_\($0)" })
            guard found.count == scores.count else { continue }
            let scoreError = zip(found.map(\.score), scores).map { abs($0 - $1) }.max() ?? 0
            let swiftBoxes = found.flatMap { [$0.box.xmin, $0.box.ymin, $0.box.xmax, $0.box.ymax] }
            let boxError = zip(swiftBoxes, boxes).map { abs($0 - $1) }.max() ?? 0
            // Measured: scores and boxes both identical (0 difference) on this fixture.
            #expect(scoreError <= 1e-6, "\(prefix) max |Δ score| = \(scoreError)")
            #expect(boxError <= 1e-3, "\(prefix) max |Δ box| = \(boxError) px")
        }
        // The fixture must exercise the threshold: some queries are dropped at 0.5, none at 0.
        #expect(detections.allSatisfy { $0.count < 7 } == (threshold == 0.5))
    }

    @Test func topKKeepsTheBestScoresHighestFirst() throws {
        let (_, output, sizes) = try Self.load()
        let all = try DetrPostProcessor(id2label: [:], threshold: 0).detections(output, originalSizes: sizes)
        let top = try DetrPostProcessor(id2label: [:], threshold: 0, topK: 3).detections(output, originalSizes: sizes)
        for (every, best) in zip(all, top) {
            #expect(best == Array(every.sorted { $0.score > $1.score }.prefix(3)))
            #expect(best.map(\.score) == best.map(\.score).sorted(by: >))
        }
        let none = try DetrPostProcessor(id2label: [:], threshold: 0, topK: 0).detections(output, originalSizes: sizes)
        #expect(none.allSatisfy { $0.isEmpty })
        let more = try DetrPostProcessor(id2label: [:], threshold: 0.5, topK: 50).detections(output, originalSizes: sizes)
        #expect(more.map(\.count) == [5, 5])
    }

    @Test func labelsComeFromId2labelWithTransformersFallback() throws {
        let output = DetrOutput(logits: Tensor(shape: [1, 2, 4], data: [5, 0, 0, 0, 0, 0, 5, 0]),
                                predBoxes: Tensor(shape: [1, 2, 4], data: [0.5, 0.5, 0.25, 0.5, 0.25, 0.75, 0.5, 0.5]))
        let processor = DetrPostProcessor(id2label: [0: "cat"], threshold: 0.5)
        let found = try processor.detections(output, originalSizes: [(height: 100, width: 200)])[0]
        #expect(found.map(\.label) == ["cat", "LABEL_2"])
        #expect(found[0].box == BoundingBox(xmin: 75, ymin: 25, xmax: 125, ymax: 75))
        #expect(found[1].box == BoundingBox(xmin: 0, ymin: 50, xmax: 100, ymax: 100))
    }

    @Test func labelsPerQueryOffersEachQuerysRunnersUp() throws {
        let (_, output, sizes) = try Self.load()
        let best = try DetrPostProcessor(id2label: [:], threshold: 0).detections(output, originalSizes: sizes)
        let classes = output.logits.shape[2] - 1
        let every = try DetrPostProcessor(id2label: [:], threshold: 0, labelsPerQuery: classes + 5).detections(output, originalSizes: sizes)
        let two = try DetrPostProcessor(id2label: [:], threshold: 0, labelsPerQuery: 2).detections(output, originalSizes: sizes)
        let probabilities = try softmax(output.logits, axis: -1).storage
        let queries = output.logits.shape[1]
        for b in 0..<2 {
            #expect(every[b].count == queries * classes)
            #expect(two[b].count == queries * 2)
            for q in 0..<queries {
                let offered = Array(every[b][(q * classes)..<((q + 1) * classes)])
                // Query order, then the query's classes most probable first; its best is transformers' detection.
                #expect(offered[0] == best[b][q])
                #expect(Set(offered.map(\.labelID)) == Set(0..<classes))
                #expect(offered.map(\.score) == offered.map(\.score).sorted(by: >))
                #expect(offered.allSatisfy { $0.box == best[b][q].box })
                for detection in offered {
                    #expect(detection.score == probabilities[(b * queries + q) * (classes + 1) + detection.labelID])
                }
                #expect(Array(two[b][(q * 2)..<(q * 2 + 2)]) == Array(offered.prefix(2)))
            }
        }
        // A threshold drops runners-up like any other detection; above 0.5 only best classes can pass.
        let half = try DetrPostProcessor(id2label: [:], threshold: 0.5, labelsPerQuery: classes).detections(output, originalSizes: sizes)
        #expect(half == (try DetrPostProcessor(id2label: [:], threshold: 0.5).detections(output, originalSizes: sizes)))
        let topTwo = try DetrPostProcessor(id2label: [:], threshold: 0, topK: 4, labelsPerQuery: 2).detections(output, originalSizes: sizes)
        #expect(topTwo.map { $0.map(\.score) } == two.map { Array($0.map(\.score).sorted(by: >).prefix(4)) })
    }

    @Test func mismatchedOutputsAreRefused() throws {
        let (_, output, sizes) = try Self.load()
        let processor = DetrPostProcessor(id2label: [:])
        #expect(throws: ModelError.self) { _ = try processor.detections(output, originalSizes: [sizes[0]]) }
        let badBoxes = DetrOutput(logits: output.logits, predBoxes: Tensor(zeros: [2, 7, 3]))
        #expect(throws: ModelError.self) { _ = try processor.detections(badBoxes, originalSizes: sizes) }
        let noClasses = DetrOutput(logits: Tensor(zeros: [2, 7, 1]), predBoxes: output.predBoxes)
        #expect(throws: ModelError.self) { _ = try processor.detections(noClasses, originalSizes: sizes) }
        #expect(throws: ModelError.self) {
            _ = try DetrPostProcessor(id2label: [:], topK: -1).detections(output, originalSizes: sizes)
        }
        #expect(throws: ModelError.self) {
            _ = try DetrPostProcessor(id2label: [:], labelsPerQuery: 0).detections(output, originalSizes: sizes)
        }
    }
}
