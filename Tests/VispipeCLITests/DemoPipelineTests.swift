// The demo job (`make demo`) as a test: Pipelines/demo.json with the bundled ShapesWorld detector over
// the committed demo scenes must find their shapes, judged by COCO AP against the bundled ground truth.
import Foundation
import Testing

@Suite struct DemoPipelineTests {
    static let repository = fixturesDirectory.deletingLastPathComponent()
    static let demoImages = fixturesDirectory.appendingPathComponent("images/demo")

    @Test func demoPipelineFindsTheShapes() throws {
        let out = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vispipe-demo-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: out) }
        let groundTruth = Self.demoImages.appendingPathComponent("instances.json").path
        let run = try runVispipe(["run", Self.repository.appendingPathComponent("Pipelines/demo.json").path, Self.demoImages.path,
                                  "--out", out.path, "--coco-image-ids", groundTruth])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("16 succeeded, 0 failed"))
        #expect(run.stdout.contains("detections in \(out.path)/coco_results.json"))
        #expect(run.stdout.contains("annotated images in \(out.path)/annotated/"))
        let annotated = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("annotated").path)
        #expect(annotated.count == 16)

        let eval = try runVispipe(["eval", "detections", "--gt", groundTruth,
                                   "--results", out.appendingPathComponent("coco_results.json").path, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Double])
        // Measured with the shipped model: see Docs/models.md. The bars leave room for float
        // differences between machines, not for a model that stopped detecting.
        #expect((metrics["AP50"] ?? 0) >= 0.72, "demo AP50 \(metrics["AP50"] ?? -1)")
        #expect((metrics["AP"] ?? 0) >= 0.58, "demo AP \(metrics["AP"] ?? -1)")
    }
}
