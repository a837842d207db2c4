import Foundation
import Synchronization
import Testing
import VisImage
@testable import VisPipeline

@Suite struct BatchRunnerTests {
    /// Good images in nested folders, plus corrupt, zero-byte, non-image, over-limit and "poison" files.
    private func mixedFolder() -> ScratchFolder {
        let folder = ScratchFolder()
        folder.writeImage("in/a.png", seed: 1)
        folder.writeImage("in/sub/b.jpg", seed: 2)
        folder.writeImage("in/sub/deeper/c.PNG", seed: 3)
        folder.writeImage("in/sub2/d.jpeg", seed: 4)
        folder.writeImage("in/sub/poison.png", seed: 5)
        folder.writeImage("in/bad/huge.png", width: 200, height: 100)  // 20,000 pixels > max_pixels 10,000
        let png = try! ImageEncoder.pngData(RGBImage(width: 40, height: 40, fill: RGBColor(9, 9, 9)))
        folder.write("in/bad/corrupt.png", png.prefix(png.count / 2))
        folder.write("in/bad/empty.jpg", Data())
        folder.write("in/bad/text.png", Data("just some text, renamed".utf8))
        folder.write("in/readme.txt", Data("not an input".utf8))
        return folder
    }

    private func options(_ folder: ScratchFolder, _ change: (inout BatchRunOptions) -> Void = { _ in }) -> BatchRunOptions {
        var options = BatchRunOptions(inputs: ["in"], outputDirectory: "out")
        options.workingDirectory = folder.path
        options.vispipeVersion = "test-version"
        options.modelFileHasher = { path in "hash-of-" + (path as NSString).lastPathComponent }
        change(&options)
        return options
    }

    private func temporaries(_ folder: ScratchFolder) -> [String] {
        folder.allFiles().filter { OutputLayout.isAtomicTemporary(($0 as NSString).lastPathComponent) }
    }

    @Test func badImagesAreRecordedAndTheRunGoesOn() async throws {
        let folder = mixedFolder(); defer { folder.remove() }
        let summary = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        #expect(summary == RunSummary(outputDirectory: folder.path + "/out", status: .complete, total: 9, succeeded: 4, failed: 5, skipped: 0,
                                      cocoDetections: 4, annotatedFolder: folder.path + "/out/annotated"))
        #expect(summary.exitStatus == 3)

        let results = parsedLines(folder.lines("out/results.jsonl"))
        #expect(results.map { $0?["path"] as? String } == ["a.png", "sub/b.jpg", "sub/deeper/c.PNG", "sub2/d.jpeg"])
        let first = try #require(results[0])
        #expect(first["width"] as? Int == 20 && first["height"] as? Int == 16)
        #expect(first["annotated"] as? String == "annotated/a.png")
        let detection = try #require((first["detections"] as? [[String: Any]])?.first)
        #expect(detection["score"] as? Double == 0.75 && detection["label"] as? String == "class3")
        #expect(detection["box"] as? [String: Double] == ["xmin": 0, "ymin": 0, "xmax": 10, "ymax": 8])
        #expect((first["summary"] as? [String: Any])?["pixels"] as? Int == 320)
        // Keys keep their order: the COCO image id (position among all inputs), then the path.
        #expect(folder.lines("out/results.jsonl")[0].hasPrefix("{\"image_id\":1,\"path\":\"a.png\",\"width\":20,\"height\":16,\"detections\":["))

        let errors = parsedLines(folder.lines("out/errors.jsonl")).map { $0 ?? [:] }
        #expect(errors.map { $0["path"] as? String } == ["bad/corrupt.png", "bad/empty.jpg", "bad/huge.png", "bad/text.png", "sub/poison.png"])
        #expect(errors.map { $0["stage"] as? String } == ["decode", "decode", "decode", "decode", "inspect"])
        let reasons = errors.map { $0["error"] as? String ?? "" }
        #expect(reasons[0].contains("corrupt.png"))
        #expect(reasons[2].contains("20000 pixels, more than the limit of 10000"))
        #expect(reasons[3].contains("unsupported image format"))
        #expect(reasons[4] == "poisoned image sub/poison.png")
        #expect(temporaries(folder).isEmpty)
    }

    @Test func annotatedImagesMirrorTheInputTree() async throws {
        let folder = mixedFolder(); defer { folder.remove() }
        _ = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        let annotated = folder.allFiles().filter { $0.hasPrefix("out/annotated/") }
        #expect(annotated == ["out/annotated/a.png", "out/annotated/sub/b.jpg", "out/annotated/sub/deeper/c.PNG", "out/annotated/sub2/d.jpeg"])
        let png = try ImageDecoder.decode(contentsOf: folder.path + "/out/annotated/sub/deeper/c.PNG")
        #expect(png[0, 0] == RGBColor(255, 0, 0) && png.width == 20)
        let jpeg = try #require(FileManager.default.contents(atPath: folder.path + "/out/annotated/sub/b.jpg"))
        #expect(Array(jpeg.prefix(2)) == [0xFF, 0xD8])
    }

    @Test func cocoResultsUsePositionsOrGivenIDs() async throws {
        let folder = mixedFolder(); defer { folder.remove() }
        _ = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        let positions = try #require(folder.json("out/coco_results.json") as? [[String: Any]])
        #expect(positions.map { $0["image_id"] as? Int } == [1, 6, 7, 9])
        #expect(positions[0]["bbox"] as? [Double] == [0, 0, 10, 8])
        #expect(positions[0]["category_id"] as? Int == 3 && positions[0]["score"] as? Double == 0.75)

        folder.write("ids.json", Data(#"{"images": [{"id": 42, "file_name": "a.png"}, {"id": 7, "file_name": "sub/b.jpg"}]}"#.utf8))
        let mapped = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder) {
            $0.cocoImageIDsFile = "ids.json"; $0.force = true
        }).run()
        #expect(mapped.succeeded == 4)
        let remapped = try #require(folder.json("out/coco_results.json") as? [[String: Any]])
        #expect(remapped.map { $0["image_id"] as? Int } == [42, 7])
        let manifest = try #require(folder.json("out/run.json") as? [String: Any])
        let coco = try #require(manifest["coco"] as? [String: Any])
        #expect(coco["image_ids"] as? String == "file")
        #expect(coco["unmapped_images"] as? Int == 2 && coco["detections"] as? Int == 2)
    }

    @Test func runManifestRecordsHashesCountsAndStageTimes() async throws {
        let folder = mixedFolder(); defer { folder.remove() }
        var plan = TestPlans.detection(hash: "abc123")
        folder.write("model/weights.bin", Data([1, 2, 3]))
        plan.modelFiles = [folder.path + "/model/weights.bin"]
        _ = try await BatchRunner(plan: plan, context: TestStageContext(), options: options(folder)).run()
        let manifest = try #require(folder.json("out/run.json") as? [String: Any])
        #expect(manifest["vispipe_version"] as? String == "test-version")
        #expect(manifest["pipeline"] as? [String: String] == ["name": "test-detect", "hash": "abc123"])
        #expect(manifest["model_files"] as? [[String: String]] == [["path": folder.path + "/model/weights.bin", "sha256": "hash-of-weights.bin"]])
        #expect(manifest["status"] as? String == "complete")
        #expect(manifest["counts"] as? [String: Int] == ["total": 9, "succeeded": 4, "failed": 5, "skipped": 0, "not_processed": 0])
        let stages = try #require(manifest["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == ["decode", "detect", "draw", "inspect"])
        #expect(stages[0]["count"] as? Int == 9 && stages[1]["count"] as? Int == 5)
        #expect((stages[0]["p50_ms"] as? Double ?? -1) >= 0 && (stages[0]["p95_ms"] as? Double ?? -1) >= (stages[0]["p50_ms"] as? Double ?? 0))
        let timing = try #require(manifest["timing"] as? [String: Double])
        #expect(timing["wall_seconds"]! >= timing["stage_busy_seconds"]! - 0.002)
        #expect(timing["runner_overhead_fraction"]! >= 0 && timing["runner_overhead_fraction"]! <= 1)
        for key in ["started", "finished"] {
            let text = try #require(manifest[key] as? String)
            #expect(ISO8601DateFormatter.withFractions.date(from: text) != nil)
        }
    }

    @Test func outputOrderIsDeterministicWhateverTheCompletionOrder() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        for i in 0..<12 { folder.writeImage("in/\(i % 3)/img\(i).png", seed: UInt8(i)) }
        let slow = TestPlans.detection(extraStages: [TestPlans.stage("pause", TestProbeStage.type, ["image": "$decode.image"], ["pause_ms": .integer(3)])],
                                       detectInput: "$pause.image")
        var outputs: [[String]] = []
        for jobs in [1, 4] {
            _ = try await BatchRunner(plan: slow, context: TestStageContext(), options: options(folder) { $0.jobs = jobs; $0.force = true }).run()
            outputs.append(folder.lines("out/results.jsonl").map { String($0.prefix(40)) })
        }
        #expect(outputs[0] == outputs[1])
        #expect(parsedLines(folder.lines("out/results.jsonl")).map { $0?["path"] as? String ?? "" }
                == (0..<12).map { "\($0 % 3)/img\($0).png" }.sorted())
    }

    @Test func jobsBoundTheImagesInFlight() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        for i in 0..<8 { folder.writeImage("in/\(i).png", seed: UInt8(i)) }
        for jobs in [1, 3] {
            let context = TestStageContext()
            let probe = try context.shared("probe") { TestProbeStage.Probe() }
            let plan = TestPlans.detection(extraStages: [TestPlans.stage("probe", TestProbeStage.type, ["image": "$decode.image"], ["pause_ms": .integer(10)])])
            let summary = try await BatchRunner(plan: plan, context: context, options: options(folder) { $0.jobs = jobs; $0.force = true }).run()
            #expect(summary.succeeded == 8)
            #expect(probe.snapshot().maxActive <= jobs && probe.snapshot().instances == 1)
        }
        // Two items really are in flight together: each waits for the other inside the stage.
        let plan = TestPlans.detection(extraStages: [TestPlans.stage("meet", TestRendezvousStage.type, ["image": "$decode.image"])])
        let summary = try await BatchRunner(plan: plan, context: TestStageContext(), options: options(folder) { $0.jobs = 2; $0.force = true }).run()
        #expect(summary.succeeded == 8)
    }

    @Test func resumeAfterAnInterruptionProcessesEveryImageExactlyOnce() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        for i in 0..<12 { folder.writeImage("in/\(i < 6 ? "x" : "y")/\(i).png", seed: UInt8(i)) }
        let context = TestStageContext()
        let probe = try context.shared("probe") { TestProbeStage.Probe() }
        // The probe lets 5 images through, then blocks every call until the run is cancelled.
        let holding = TestPlans.detection(extraStages: [TestPlans.stage("probe", TestProbeStage.type, ["image": "$decode.image"], ["hold_after": .integer(5)])])
        let first = Task {
            try await BatchRunner(plan: holding, context: context, options: options(folder) { $0.assembleInterval = .zero }).run()
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while probe.snapshot().active < 2 || recordCount(folder, "hash-detect") < 5 {
            #expect(ContinuousClock.now < deadline, "the runner never reached the blocking stage")
            if ContinuousClock.now > deadline { break }
            // While running, the result files are always complete JSON lines.
            #expect(parsedLines(folder.lines("out/results.jsonl")).allSatisfy { $0 != nil })
            try await Task.sleep(for: .milliseconds(5))
        }
        first.cancel()
        let interrupted = try await first.value
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.succeeded == 5 && interrupted.notProcessed == 7 && interrupted.exitStatus == 1)
        #expect(folder.lines("out/results.jsonl").count == 5)

        // What a SIGKILL leaves besides records: a temporary from an interrupted write, and an annotated
        // image written just before its record.
        folder.write("out/.results.jsonl.4242.123456789.tmp", Data("{\"path\":".utf8))
        folder.write("out/.records/hash-detect/.0123.json.4242.99.tmp", Data("{".utf8))
        folder.writeImage("out/annotated/y/9.png", seed: 200)

        let resumed = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder) { $0.resume = true }).run()
        #expect(resumed == RunSummary(outputDirectory: folder.path + "/out", status: .complete, total: 12, succeeded: 12, failed: 0, skipped: 5,
                                      cocoDetections: 12, annotatedFolder: folder.path + "/out/annotated"))
        #expect(resumed.exitStatus == 0)
        let paths = parsedLines(folder.lines("out/results.jsonl")).map { $0?["path"] as? String ?? "" }
        #expect(paths == (0..<12).map { "\($0 < 6 ? "x" : "y")/\($0).png" }.sorted())
        #expect(Set(paths).count == 12)
        #expect(temporaries(folder).isEmpty)
        // The annotated image of the redone item is the pipeline's, not the leftover.
        let redone = try ImageDecoder.decode(contentsOf: folder.path + "/out/annotated/y/9.png")
        #expect(redone[0, 0] == RGBColor(255, 0, 0))
        let manifest = try #require(folder.json("out/run.json") as? [String: Any])
        #expect((manifest["counts"] as? [String: Int])?["skipped"] == 5)

        // Resuming a finished run does nothing and changes nothing.
        let before = folder.lines("out/results.jsonl")
        let again = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder) { $0.resume = true }).run()
        #expect(again.skipped == 12 && again.succeeded == 12 && folder.lines("out/results.jsonl") == before)
    }

    private func recordCount(_ folder: ScratchFolder, _ hash: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/out/.records/" + hash)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count
    }

    @Test func anOutputFolderIsNeverMixedBetweenRunsOrPipelines() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.writeImage("in/a.png")
        _ = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        await #expect(throws: BatchRunError.self) {
            try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        }
        do {
            _ = try await BatchRunner(plan: TestPlans.detection(hash: "other"), context: TestStageContext(),
                                      options: options(folder) { $0.resume = true }).run()
            Issue.record("a different pipeline's folder was accepted")
        } catch {
            #expect(error.exitStatus == 2 && error.description.contains("different pipeline"))
        }
        let forced = try await BatchRunner(plan: TestPlans.detection(hash: "other"), context: TestStageContext(),
                                           options: options(folder) { $0.force = true }).run()
        #expect(forced.succeeded == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/out/.records") == ["other"])
    }

    @Test func failFastStopsAtTheFirstFailure() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.write("in/a-broken.png", Data([0]))
        for i in 0..<6 { folder.writeImage("in/b\(i).png", seed: UInt8(i)) }
        let summary = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(),
                                            options: options(folder) { $0.failFast = true; $0.jobs = 1 }).run()
        #expect(summary.status == .stoppedAfterFailure && summary.failed == 1 && summary.succeeded == 0)
        #expect(summary.notProcessed == 6 && summary.exitStatus == 3)
        #expect(folder.lines("out/errors.jsonl").count == 1)
        let manifest = try #require(folder.json("out/run.json") as? [String: Any])
        #expect(manifest["status"] as? String == "stopped_after_failure")
    }

    @Test func argumentProblemsAreReportedBeforeAnythingRuns() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.writeImage("in/a.png")
        var noFileInput = TestPlans.detection()
        noFileInput.inputs = ["path": .text]
        for (plan, change) in [(noFileInput, { (_: inout BatchRunOptions) in }),
                               (TestPlans.detection(), { (o: inout BatchRunOptions) in o.jobs = 0 }),
                               (TestPlans.detection(), { (o: inout BatchRunOptions) in o.inputs = ["missing"] })] {
            do {
                _ = try await BatchRunner(plan: plan, context: TestStageContext(), options: options(folder, change)).run()
                Issue.record("accepted")
            } catch {
                #expect(error.exitStatus == 2)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
        let empty = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(),
                                          options: options(folder) { $0.inputs = ["in/*.jpg"] }).run()
        #expect(empty.total == 0 && empty.exitStatus == 2)
    }

    @Test func aStageThatCannotBePreparedIsASetupError() async throws {
        struct Unloadable: Stage {
            static let type = StageType(StageDescriptor(type: "unloadable", summary: "", inputs: [PortSpec("image", .image, summary: "")],
                                                        outputs: [], parameters: []), Unloadable.self)
            init(parameters: StageParameters, context: any StageContext) throws { throw TestStageError.refused("model.safetensors: no such file") }
            func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] { [:] }
        }
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.writeImage("in/a.png")
        let plan = TestPlans.detection(extraStages: [TestPlans.stage("model", Unloadable.type, ["image": "$decode.image"])])
        await #expect(throws: BatchRunError.setup("stage 'model' could not be prepared: model.safetensors: no such file")) {
            try await BatchRunner(plan: plan, context: TestStageContext(), options: options(folder)).run()
        }
        // Nothing was committed, so the same folder can be used again without --resume or --force.
        let retry = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder)).run()
        #expect(retry.succeeded == 1)
    }

    @Test func jsonProgressEmitsOneObjectPerEvent() async throws {
        let folder = mixedFolder(); defer { folder.remove() }
        let collected = Mutex<String>("")
        _ = try await BatchRunner(plan: TestPlans.detection(), context: TestStageContext(), options: options(folder) {
            $0.progressStyle = .json
            $0.progressInterval = .zero
            $0.progressOutput = { text in collected.withLock { $0 += text } }
        }).run()
        let events = parsedLines(collected.withLock { $0 }.split(separator: "\n").map(String.init))
        #expect(events.allSatisfy { $0 != nil })
        let names = events.compactMap { $0?["event"] as? String }
        #expect(names.first == "start" && names.last == "finish")
        #expect(names.filter { $0 == "failure" }.count == 5)
        #expect(names.contains("progress"))
        let finish = try #require(events.last ?? nil)
        #expect(finish["done"] as? Int == 9 && finish["failed"] as? Int == 5 && finish["status"] as? String == "complete")
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
