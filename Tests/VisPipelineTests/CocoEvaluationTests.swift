import Foundation
import Testing
@testable import VisPipeline

/// COCO bbox evaluation against pycocotools' COCOeval stats (Fixtures/eval/generate_coco_eval_fixtures.py).
struct CocoEvaluationTests {
    static let folder = fixturesDirectory.appendingPathComponent("eval")
    static let cases = ["mixed", "crowded", "many", "empty_results", "large_only"]

    static func expectedStats() throws -> [String: [Double]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode([String: [Double]].self, from: data)
    }

    static func evaluate(_ name: String) throws -> CocoEvaluationSummary {
        let groundTruth = try CocoFileReader.groundTruth(path: folder.appendingPathComponent("case_\(name)_gt.json").path)
        let detections = try CocoFileReader.detections(path: folder.appendingPathComponent("case_\(name)_results.json").path,
                                                       groundTruth: groundTruth)
        return CocoEvaluator.evaluate(groundTruth: groundTruth, detections: detections)
    }

    @Test(arguments: cases)
    func matchesPycocotools(name: String) throws {
        let expected = try #require(try Self.expectedStats()[name])
        let summary = try Self.evaluate(name)
        #expect(summary.values.count == 12)
        for (index, (value, reference)) in zip(summary.values, expected).enumerated() {
            #expect(abs(value - reference) < 1e-3, "\(name) stat \(index) (\(summary.statistics[index].key)): \(value) vs \(reference)")
        }
    }

    @Test func noDetectionsGiveZeroWhereThereIsGroundTruthAndMinusOneWhereNot() {
        // One large object only: small and medium have no ground truth at all.
        let groundTruth = CocoGroundTruth(imageIDs: [1], categoryIDs: [1, 2], objects: [
            CocoGroundTruthObject(id: 1, imageID: 1, categoryID: 1, box: CocoBox(x: 0, y: 0, width: 200, height: 200),
                                  area: 40_000, isCrowd: false),
        ])
        let summary = CocoEvaluator.evaluate(groundTruth: groundTruth, detections: [])
        #expect(summary.values == [0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0])
    }

    @Test func perfectDetectionScoresOneAndCrowdMatchesAreIgnored() {
        let box = CocoBox(x: 10, y: 10, width: 50, height: 40)
        let crowd = CocoBox(x: 300, y: 300, width: 100, height: 100)
        let groundTruth = CocoGroundTruth(imageIDs: [1], categoryIDs: [1], objects: [
            CocoGroundTruthObject(id: 1, imageID: 1, categoryID: 1, box: box, area: 2000, isCrowd: false),
            CocoGroundTruthObject(id: 2, imageID: 1, categoryID: 1, box: crowd, area: 10_000, isCrowd: true),
        ])
        let detections = [
            CocoDetection(imageID: 1, categoryID: 1, box: box, score: 0.9),
            // Inside the crowd region: neither a hit nor a false alarm, however many there are.
            CocoDetection(imageID: 1, categoryID: 1, box: CocoBox(x: 310, y: 310, width: 20, height: 20), score: 0.95),
            CocoDetection(imageID: 1, categoryID: 1, box: CocoBox(x: 350, y: 350, width: 20, height: 20), score: 0.95),
        ]
        let summary = CocoEvaluator.evaluate(groundTruth: groundTruth, detections: detections)
        #expect(abs(summary.statistics[0].value - 1) < 1e-12)  // AP (precision is tp / (tp + fp + eps), as in pycocotools)
        #expect(summary.statistics[6].value == 0)  // AR@1: the best-scored detection is in the crowd
        #expect(summary.statistics[7].value == 1)  // AR@10
    }

    @Test func resultsForAnUnknownImageAreRejectedWithTheirPath() throws {
        let groundTruth = CocoGroundTruth(imageIDs: [1, 2], categoryIDs: [1], objects: [])
        let data = Data(#"[{"image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}, {"image_id": 7, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}]"#.utf8)
        #expect(throws: CocoFileError.unknownImage(file: "r.json", jsonPath: "$[1].image_id", imageID: 7)) {
            try CocoFileReader.detections(data: data, file: "r.json", groundTruth: groundTruth)
        }
    }

    @Test func malformedGroundTruthNamesTheJSONPath() {
        let data = Data(#"{"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5], "area": 25}]}"#.utf8)
        #expect(throws: CocoFileError.wrongValue(file: "gt.json", jsonPath: "$.annotations[0].bbox", expected: "[x, y, width, height]")) {
            try CocoFileReader.groundTruth(data: data, file: "gt.json")
        }
    }

    @Test func summaryLinesFollowPycocotoolsLayout() throws {
        let summary = try Self.evaluate("mixed")
        #expect(summary.statistics.map(\.key) == ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"])
        #expect(summary.statistics[0].summaryLine.hasPrefix(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = "))
        #expect(summary.statistics[1].summaryLine.hasPrefix(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = "))
        #expect(summary.statistics[6].summaryLine.hasPrefix(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = "))
    }
}
