// `vispipe run` end to end: a real SIGKILL in the middle of a run, then `--resume`, must leave every
// image exactly once; bad images give exit status 3.
import Foundation
import Testing
import VisImage

@Suite struct RunCommandTests {
    private func makeWorkspace(images: Int) throws -> URL {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vispipe-run-cli-\(UUID().uuidString.prefix(8))")
        for i in 0..<images {
            let folder = root.appendingPathComponent("in/\(i % 3 == 0 ? "a" : "b/c")")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let image = RGBImage(width: 48 + i % 5, height: 40, fill: RGBColor(UInt8(i * 7 % 255), 90, 200))
            try ImageEncoder.writePNG(image, to: folder.appendingPathComponent("img\(i).png").path)
        }
        let model = fixturesDirectory.appendingPathComponent("models/detr/timm_basic").path
        let pipeline = """
            {"version": 1, "inputs": {"file": "text", "relative_path": "text"},
             "stages": [
               {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
               {"name": "detector", "type": "detr", "params": {"model": "\(model)", "threshold": 0.0, "top_k": 3},
                "inputs": {"image": "$decode.image"}},
               {"name": "draw", "type": "draw_detections", "inputs": {"image": "$decode.image", "detections": "$detector.detections"}}
             ],
             "outputs": {"detections": "$detector.detections", "annotated": "$draw.image"}}
            """
        try Data(pipeline.utf8).write(to: root.appendingPathComponent("pipeline.json"))
        return root
    }

    @Test func resumeAfterSIGKILLLeavesEveryImageExactlyOnce() throws {
        let root = try makeWorkspace(images: 24)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let arguments = ["run", root.appendingPathComponent("pipeline.json").path, root.appendingPathComponent("in").path,
                         "--out", out, "--quiet", "--jobs", "2"]
        let process = Process()
        process.executableURL = vispipeBinary()
        process.arguments = arguments
        try process.run()
        // Kill once a few images are committed, while others are in flight.
        let deadline = Date().addingTimeInterval(120)
        var committed = 0
        while process.isRunning && Date() < deadline {
            let records = (try? FileManager.default.subpathsOfDirectory(atPath: out + "/.records")) ?? []
            committed = records.filter { $0.hasSuffix(".json") }.count
            if committed >= 3 { break }
            usleep(2_000)
        }
        #expect(process.isRunning, "the run finished before it could be killed; use more images")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let resumed = try runVispipe(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lines = try String(contentsOfFile: out + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        let paths = lines.map { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["path"] as? String ?? "?"
        }
        #expect(paths.count == 24 && Set(paths).count == 24)
        let annotated = (try FileManager.default.subpathsOfDirectory(atPath: out + "/annotated")).filter { $0.hasSuffix(".png") }
        #expect(annotated.count == 24)
        let leftovers = (try FileManager.default.subpathsOfDirectory(atPath: out)).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as? [String: Any]
        #expect((manifest?["counts"] as? [String: Int])?["succeeded"] == 24)
        let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/coco_results.json"))) as? [[String: Any]]
        #expect(coco?.count == 72)
    }

    @Test func badImagesGiveExitStatusThree() throws {
        let root = try makeWorkspace(images: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("not a png".utf8).write(to: root.appendingPathComponent("in/broken.png"))
        let result = try runVispipe(["run", root.appendingPathComponent("pipeline.json").path, root.appendingPathComponent("in").path,
                                     "--out", root.appendingPathComponent("out").path, "--quiet"])
        #expect(result.status == 3)
        let errors = try String(contentsOfFile: root.appendingPathComponent("out/errors.jsonl").path, encoding: .utf8)
        #expect(errors.contains("\"path\":\"broken.png\"") && errors.contains("\"stage\":\"decode\""))
    }

}
