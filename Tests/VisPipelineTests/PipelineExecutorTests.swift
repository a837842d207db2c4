import Foundation
import Testing
import VisImage
@testable import VisPipeline

@Suite struct PipelineExecutorTests {
    private func imageFile() -> (ScratchFolder, String) {
        let folder = ScratchFolder()
        folder.writeImage("img.png", width: 30, height: 20, seed: 3)
        return (folder, folder.path + "/img.png")
    }

    @Test func runsStagesInDependencyOrderAndReturnsDeclaredOutputs() async throws {
        let (folder, file) = imageFile(); defer { folder.remove() }
        let executor = try PipelineExecutor(plan: TestPlans.detection(), context: TestStageContext())
        let outcome = await executor.run(["file": .text(file), "relative_path": .text("img.png")])
        guard case .succeeded(let outputs, let source) = outcome.status else { Issue.record("\(outcome.status)"); return }
        #expect(source?.image.width == 30 && source?.image.height == 20)
        guard case .detections(let detections)? = outputs["detections"], case .image(let drawn)? = outputs["annotated"],
              case .record(let summary)? = outputs["summary"] else { Issue.record("outputs \(outputs.keys)"); return }
        #expect(detections.count == 1 && detections[0].box.xmax == 15)
        #expect(drawn.image[0, 0] == RGBColor(255, 0, 0))
        #expect(summary["pixels"] == .number(600))
        #expect(Set(outcome.stageTimes.keys) == ["decode", "detect", "draw", "inspect"])
    }

    @Test func aFailingStageStopsTheItemAndIsNamed() async throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.write("broken.png", Data("not an image".utf8))
        let executor = try PipelineExecutor(plan: TestPlans.detection(), context: TestStageContext())
        let outcome = await executor.run(["file": .text(folder.path + "/broken.png")])
        guard case .failed(let failure) = outcome.status else { Issue.record("expected failure"); return }
        #expect(failure.stage == "decode")
        #expect(failure.message.contains("broken.png") && failure.message.contains("unsupported image format"))
        #expect(outcome.stageTimes.keys.sorted() == ["decode"])
    }

    @Test func independentBranchesRunConcurrently() async throws {
        let (folder, file) = imageFile(); defer { folder.remove() }
        let plan = ExecutionPlan(
            name: "branches", inputs: TestPlans.graphInputs,
            stages: [TestPlans.decode,
                     TestPlans.stage("left", TestRendezvousStage.type, ["image": "$decode.image"]),
                     TestPlans.stage("right", TestRendezvousStage.type, ["image": "$decode.image"])],
            outputs: [.init(name: "a", selector: Selector(parsing: "$left.image")!, type: .image),
                      .init(name: "b", selector: Selector(parsing: "$right.image")!, type: .image)],
            hash: "h", modelFiles: [])
        let outcome = try await PipelineExecutor(plan: plan, context: TestStageContext()).run(["file": .text(file)])
        guard case .succeeded = outcome.status else { Issue.record("\(outcome.status)"); return }
    }

    @Test func stagesAreCreatedOnceAndSharedByConcurrentItems() async throws {
        let (folder, file) = imageFile(); defer { folder.remove() }
        let context = TestStageContext()
        let probe = try context.shared("probe") { TestProbeStage.Probe() }
        let plan = ExecutionPlan(name: "probe", inputs: TestPlans.graphInputs,
                                 stages: [TestPlans.decode, TestPlans.stage("probe", TestProbeStage.type, ["image": "$decode.image"], ["pause_ms": .integer(20)])],
                                 outputs: [.init(name: "out", selector: Selector(parsing: "$probe.image")!, type: .image)], hash: "h", modelFiles: [])
        let executor = try PipelineExecutor(plan: plan, context: context)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = await executor.run(["file": .text(file)]) } }
        }
        let state = probe.snapshot()
        #expect(state.instances == 1 && state.calls == 4)
        #expect(executor.busyClock.busyTime > .zero)
    }

    @Test func stageOutputsAreCheckedAgainstTheDeclaration() async throws {
        struct Liar: Stage {
            static let type = StageType(StageDescriptor(type: "liar", summary: "", inputs: [PortSpec("image", .image, summary: "")],
                                                        outputs: [PortSpec("detections", .detections, summary: "")], parameters: []), Liar.self)
            init(parameters: StageParameters, context: any StageContext) throws {}
            func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] { ["detections": .text("oops")] }
        }
        let (folder, file) = imageFile(); defer { folder.remove() }
        let plan = TestPlans.detection(extraStages: [TestPlans.stage("liar", Liar.type, ["image": "$decode.image"])])
        let outcome = try await PipelineExecutor(plan: plan, context: TestStageContext()).run(["file": .text(file)])
        guard case .failed(let failure) = outcome.status else { Issue.record("expected failure"); return }
        #expect(failure == StageFailure(stage: "liar", message: "output 'detections' is declared detections but the stage produced text"))
    }

    @Test func inconsistentPlansAreRejectedBeforeRunning() {
        var plan = TestPlans.detection()
        plan.stages.swapAt(0, 1)
        #expect(throws: ExecutorSetupError.self) { try PipelineExecutor(plan: plan, context: TestStageContext()) }
        #expect(throws: ExecutionPlanError.unresolvedSelector(stage: "detect", port: "image", selector: "$decode.image")) { try plan.check() }
        var mistyped = TestPlans.detection()
        mistyped.outputs[0].type = .image
        #expect(throws: ExecutionPlanError.typeMismatch(consumer: "outputs.detections", selector: "$detect.detections",
                                                        expected: .image, found: .detections)) { try mistyped.check() }
        var duplicated = TestPlans.detection()
        duplicated.stages.append(duplicated.stages[1])
        #expect(throws: ExecutionPlanError.duplicateStage("detect")) { try duplicated.check() }
    }

    @Test func sourceImageIsTheDecodeStagesImage() {
        #expect(TestPlans.detection().sourceImage == Selector(parsing: "$decode.image"))
    }

    @Test func modelFilesExpandPathParameters() throws {
        struct Modelled: Stage {
            static let type = StageType(StageDescriptor(type: "modelled", summary: "", inputs: [], outputs: [],
                                                        parameters: [ParameterSpec("model", .path, default: nil, summary: "")]), Modelled.self)
            init(parameters: StageParameters, context: any StageContext) throws {}
            func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] { [:] }
        }
        let folder = ScratchFolder(); defer { folder.remove() }
        folder.write("model/config.json", Data("{}".utf8))
        folder.write("model/model.safetensors", Data([0]))
        folder.write("model/.DS_Store", Data([0]))
        let stages = [TestPlans.stage("m", Modelled.type, [:], ["model": .string(folder.path + "/model")]),
                      TestPlans.stage("n", Modelled.type, [:], ["model": .string(folder.path + "/model/config.json")])]
        #expect(ExecutionPlan.modelFiles(of: stages) == [folder.path + "/model/config.json", folder.path + "/model/model.safetensors"])
    }
}
