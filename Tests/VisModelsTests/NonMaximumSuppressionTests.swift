import Foundation
import Testing
@testable import VisModels
import VisWeights

/// Non-maximum suppression against torchvision 0.29's `ops.nms` / `ops.batched_nms`
/// (Fixtures/ops/generate_ops_nms.py).
@Suite struct NonMaximumSuppressionTests {
    static let fixture = fixturesDirectory.appendingPathComponent("ops/nms.safetensors")

    /// The fixture's boxes as detections; each detection's index is kept in its label name.
    static func load() throws -> (SafetensorsFile, [Detection]) {
        let file = try SafetensorsFile(path: fixture.path)
        let boxes = try file.tensor("boxes").storage, scores = try file.tensor("scores").storage
        let labels = try file.int64s("labels").values
        let detections = scores.indices.map { i in
            Detection(score: scores[i], labelID: Int(labels[i]), label: String(i),
                      box: BoundingBox(xmin: boxes[4 * i], ymin: boxes[4 * i + 1], xmax: boxes[4 * i + 2], ymax: boxes[4 * i + 3]))
        }
        return (file, detections)
    }

    @Test(arguments: ["0.3", "0.5", "0.7"])
    func matchesTorchvision(threshold: String) throws {
        let (file, detections) = try Self.load()
        for perLabel in [false, true] {
            let expected = try file.int64s("\(perLabel ? "batched_nms" : "nms")_\(threshold)").values.map { Int($0) }
            let kept = NonMaximumSuppression(iouThreshold: Float(threshold)!, perLabel: perLabel).apply(detections)
            #expect(kept.map { Int($0.label)! } == expected, "per label \(perLabel), IoU \(threshold)")
            // The fixture must exercise suppression, across labels only when perLabel is off.
            #expect(kept.count < detections.count)
        }
    }

    @Test func equalScoresKeepInputOrder() {
        let box = BoundingBox(xmin: 0, ymin: 0, xmax: 10, ymax: 10)
        let far = BoundingBox(xmin: 50, ymin: 50, xmax: 60, ymax: 60)
        let detections = [Detection(score: 0.5, labelID: 0, label: "a", box: far),
                          Detection(score: 0.5, labelID: 0, label: "b", box: box),
                          Detection(score: 0.5, labelID: 0, label: "c", box: box)]
        #expect(NonMaximumSuppression().apply(detections).map(\.label) == ["a", "b"])
        #expect(NonMaximumSuppression().apply([]).isEmpty)
    }

    @Test func intersectionOverUnion() {
        let a = BoundingBox(xmin: 0, ymin: 0, xmax: 10, ymax: 10)
        #expect(NonMaximumSuppression.intersectionOverUnion(a, a) == 1)
        #expect(NonMaximumSuppression.intersectionOverUnion(a, BoundingBox(xmin: 5, ymin: 0, xmax: 15, ymax: 10)) == Float(50) / 150)
        #expect(NonMaximumSuppression.intersectionOverUnion(a, BoundingBox(xmin: 20, ymin: 20, xmax: 30, ymax: 30)) == 0)
        // Exactly at the threshold is kept: only IoU above it suppresses.
        let half = [Detection(score: 0.9, labelID: 0, label: "a", box: a),
                    Detection(score: 0.8, labelID: 0, label: "b", box: BoundingBox(xmin: 0, ymin: 0, xmax: 10, ymax: 5))]
        #expect(NonMaximumSuppression(iouThreshold: 0.5).apply(half).count == 2)
        #expect(NonMaximumSuppression(iouThreshold: 0.49).apply(half).count == 1)
    }
}
