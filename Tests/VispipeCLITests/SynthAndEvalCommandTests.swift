// `vispipe synth shapes` and `vispipe eval detections` end to end: the built binary, its files, its
// output and its exit status.
import Foundation
import Testing

@Suite struct SynthAndEvalCommandTests {
    private func scratchFolder() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vispipe-synth-cli-\(UUID().uuidString.prefix(8))")
    }

    private func filesWithContents(under folder: URL) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
    }

    @Test func synthTwiceWithOneSeedWritesIdenticalFiles() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("a"), second = root.appendingPathComponent("b")
        for folder in [first, second] {
            let result = try runVispipe(["synth", "shapes", "--count", "4", "--seed", "77", "--out", folder.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("4 scenes"))
        }
        let a = try filesWithContents(under: first), b = try filesWithContents(under: second)
        #expect(a.keys.sorted() == ["instances.json", "shapes_000000.json", "shapes_000000.png", "shapes_000001.jpg",
                                    "shapes_000001.json", "shapes_000002.json", "shapes_000002.png",
                                    "shapes_000003.jpg", "shapes_000003.json"])
        #expect(a == b)

        let other = root.appendingPathComponent("c")
        _ = try runVispipe(["synth", "shapes", "--count", "4", "--seed", "78", "--out", other.path])
        #expect(try filesWithContents(under: other)["shapes_000000.png"] != a["shapes_000000.png"])
    }

    @Test func synthRefusesImpossibleSizes() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runVispipe(["synth", "shapes", "--count", "2", "--min-size", "300", "--max-size", "200",
                                     "--out", root.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--min-size"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("instances.json").path))
    }

    /// The pycocotools case "mixed" (Fixtures/eval): the CLI's JSON equals pycocotools' stats to 1e-3.
    @Test func evalJSONMatchesPycocotools() throws {
        let eval = fixturesDirectory.appendingPathComponent("eval")
        let result = try runVispipe(["eval", "detections", "--gt", eval.appendingPathComponent("case_mixed_gt.json").path,
                                     "--results", eval.appendingPathComponent("case_mixed_results.json").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        let expected = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: eval.appendingPathComponent("expected.json"))) as? [String: Any])?["mixed"] as? [Double])
        let keys = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
        #expect(printed.keys.sorted() == keys.sorted())
        for (key, value) in zip(keys, expected) {
            #expect(abs((printed[key] ?? -99) - value) <= 1e-3, "\(key): \(printed[key] ?? -99) vs pycocotools \(value)")
        }
    }

    @Test func evalTablePrintsPycocotoolsLines() throws {
        let eval = fixturesDirectory.appendingPathComponent("eval")
        let result = try runVispipe(["eval", "detections", "--gt", eval.appendingPathComponent("case_mixed_gt.json").path,
                                     "--results", eval.appendingPathComponent("case_mixed_results.json").path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines.first?.hasPrefix(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ") == true)
    }

    @Test func evalNamesTheFileAndJSONPathOfABadResult() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let results = root.appendingPathComponent("results.json")
        try Data(#"[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}, {"image_id": 1, "category_id": 1, "bbox": [0, 0, 5], "score": 0.5}]"#.utf8)
            .write(to: results)
        let gt = fixturesDirectory.appendingPathComponent("eval/case_mixed_gt.json").path
        let result = try runVispipe(["eval", "detections", "--gt", gt, "--results", results.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(results.path))
        #expect(result.stderr.contains("$[1].bbox"))

        let missing = try runVispipe(["eval", "detections", "--gt", root.appendingPathComponent("nope.json").path,
                                      "--results", results.path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.json"))
    }
}
