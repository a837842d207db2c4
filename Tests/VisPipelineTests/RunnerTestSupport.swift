import Foundation
import Synchronization
import VisImage
import VisModels
@testable import VisPipeline

// Small stages for runner tests: they exercise the executor and the batch runner without the
// built-in stages (which live beside this code and are tested on their own).

/// A `StageContext` caching values by key (the runner's tests need only the contract).
final class TestStageContext: StageContext {
    private let cache = Mutex<[String: any Sendable]>([:])
    func shared<Value: Sendable>(_ key: String, _ load: @Sendable () throws -> Value) throws -> Value {
        try cache.withLock { cache in
            if let value = cache[key] as? Value { return value }
            let value = try load()
            cache[key] = value
            return value
        }
    }
}

enum TestStageError: Error, CustomStringConvertible {
    case refused(String)
    var description: String { if case .refused(let why) = self { return why }; return "" }
}

/// Reads the `file` input with `ImageDecoder` (max_pixels limit), like the real decode stage.
struct TestDecodeStage: Stage {
    static let type = StageType(StageDescriptor(
        type: "test_decode", summary: "decode a file",
        inputs: [PortSpec("file", .text, summary: "path"), PortSpec("relative_path", .text, required: false, summary: "relative")],
        outputs: [PortSpec("image", .image, summary: "decoded")],
        parameters: [ParameterSpec("max_pixels", .integer(range: 1...Int.max), default: .integer(64_000_000), summary: "limit")]),
        TestDecodeStage.self)
    let options: ImageDecodeOptions
    init(parameters: StageParameters, context: any StageContext) throws {
        options = ImageDecodeOptions(maximumPixels: parameters.integer("max_pixels") ?? 64_000_000)
    }
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        guard case .text(let path)? = inputs["file"] else { throw TestStageError.refused("no file") }
        var relative: String?
        if case .text(let value)? = inputs["relative_path"] { relative = value }
        return ["image": .image(ImageValue(image: try ImageDecoder.decode(contentsOf: path, options: options), relativePath: relative))]
    }
}

/// "Detects" one object covering the image's top-left quarter; label id = red value of pixel (0,0) % 5 + 1.
struct TestDetectStage: Stage {
    static let type = StageType(StageDescriptor(
        type: "test_detect", summary: "fake detector", inputs: [PortSpec("image", .image, summary: "image")],
        outputs: [PortSpec("detections", .detections, summary: "boxes")], parameters: []), TestDetectStage.self)
    init(parameters: StageParameters, context: any StageContext) throws {}
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        guard case .image(let value)? = inputs["image"] else { throw TestStageError.refused("no image") }
        let image = value.image
        let label = Int(image[0, 0].r) % 5 + 1
        let box = BoundingBox(xmin: 0, ymin: 0, xmax: Float(image.width) / 2, ymax: Float(image.height) / 2)
        return ["detections": .detections([Detection(score: 0.75, labelID: label, label: "class\(label)", box: box)])]
    }
}

/// Draws the detections' boxes onto the image.
struct TestDrawStage: Stage {
    static let type = StageType(StageDescriptor(
        type: "test_draw", summary: "draw boxes",
        inputs: [PortSpec("image", .image, summary: "image"), PortSpec("detections", .detections, summary: "boxes")],
        outputs: [PortSpec("image", .image, summary: "annotated")], parameters: []), TestDrawStage.self)
    init(parameters: StageParameters, context: any StageContext) throws {}
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        guard case .image(var value)? = inputs["image"], case .detections(let detections)? = inputs["detections"] else {
            throw TestStageError.refused("missing inputs")
        }
        for detection in detections {
            value.image.drawRectangle(left: Double(detection.box.xmin), top: Double(detection.box.ymin),
                                      right: Double(detection.box.xmax), bottom: Double(detection.box.ymax),
                                      color: RGBColor(255, 0, 0), thickness: 1)
        }
        return ["image": .image(value)]
    }
}

/// Summarises an image as a record; fails for images whose relative path contains "poison".
struct TestInspectStage: Stage {
    static let type = StageType(StageDescriptor(
        type: "test_inspect", summary: "record", inputs: [PortSpec("image", .image, summary: "image")],
        outputs: [PortSpec("summary", .record, summary: "fields")], parameters: []), TestInspectStage.self)
    init(parameters: StageParameters, context: any StageContext) throws {}
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        guard case .image(let value)? = inputs["image"] else { throw TestStageError.refused("no image") }
        if value.relativePath?.contains("poison") == true { throw TestStageError.refused("poisoned image \(value.relativePath!)") }
        return ["summary": .record(["pixels": .number(Double(value.image.width * value.image.height)), "square": .bool(value.image.width == value.image.height)])]
    }
}

/// Counts how often stages of this type were created and how many `process` calls overlap;
/// with `hold_after` >= 0 every call after that many blocks until its task is cancelled.
struct TestProbeStage: Stage {
    final class Probe: Sendable {
        struct State { var instances = 0; var calls = 0; var active = 0; var maxActive = 0 }
        let state = Mutex(State())
        func snapshot() -> State { state.withLock { $0 } }
    }
    /// Tests using this stage pass their own probe through the context (key "probe").
    static let type = StageType(StageDescriptor(
        type: "test_probe", summary: "probe", inputs: [PortSpec("image", .image, summary: "image")],
        outputs: [PortSpec("image", .image, summary: "same image")],
        parameters: [ParameterSpec("hold_after", .integer(range: nil), default: .integer(-1), summary: "block after n calls"),
                     ParameterSpec("pause_ms", .integer(range: 0...10_000), default: .integer(0), summary: "sleep per call")]),
        TestProbeStage.self)
    let probe: Probe
    let holdAfter: Int
    let pause: Int
    init(parameters: StageParameters, context: any StageContext) throws {
        probe = try context.shared("probe") { Probe() }
        holdAfter = parameters.integer("hold_after") ?? -1
        pause = parameters.integer("pause_ms") ?? 0
        probe.state.withLock { $0.instances += 1 }
    }
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        let call = probe.state.withLock { state -> Int in
            state.calls += 1; state.active += 1; state.maxActive = max(state.maxActive, state.active)
            return state.calls
        }
        defer { probe.state.withLock { $0.active -= 1 } }
        if pause > 0 { try await Task.sleep(for: .milliseconds(pause)) }
        if holdAfter >= 0 && call > holdAfter {
            while true { try await Task.sleep(for: .milliseconds(5)) }
        }
        return ["image": inputs["image"]!]
    }
}

/// Waits (up to 5 s) until `parties` calls are inside `process` at the same time: proves concurrency
/// without timing assumptions.
struct TestRendezvousStage: Stage {
    final class Meeting: Sendable { let arrived = Atomic<Int>(0) }
    static let type = StageType(StageDescriptor(
        type: "test_rendezvous", summary: "rendezvous", inputs: [PortSpec("image", .image, summary: "image")],
        outputs: [PortSpec("image", .image, summary: "same image")],
        parameters: [ParameterSpec("parties", .integer(range: 1...8), default: .integer(2), summary: "callers to wait for")]),
        TestRendezvousStage.self)
    let meeting: Meeting
    let parties: Int
    init(parameters: StageParameters, context: any StageContext) throws {
        meeting = try context.shared("meeting") { Meeting() }
        parties = parameters.integer("parties") ?? 2
    }
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        meeting.arrived.add(1, ordering: .sequentiallyConsistent)
        let deadline = ContinuousClock.now + .seconds(5)
        while meeting.arrived.load(ordering: .sequentiallyConsistent) < parties {
            guard ContinuousClock.now < deadline else { throw TestStageError.refused("no other call arrived: not concurrent") }
            try await Task.sleep(for: .milliseconds(1))
        }
        return ["image": inputs["image"]!]
    }
}

enum TestPlans {
    static func stage(_ name: String, _ type: StageType, _ inputs: [String: String], _ params: [String: ParameterValue] = [:]) -> ExecutionPlan.PlannedStage {
        var values: [String: ParameterValue] = [:]
        for spec in type.descriptor.parameters { values[spec.name] = spec.defaultValue }
        for (key, value) in params { values[key] = value }
        return ExecutionPlan.PlannedStage(name: name, type: type, parameters: StageParameters(values),
                                          inputs: inputs.mapValues { Selector(parsing: $0)! })
    }

    static let graphInputs: [String: PortType] = ["file": .text, "relative_path": .text]
    static let decode = stage("decode", TestDecodeStage.type, ["file": "$inputs.file", "relative_path": "$inputs.relative_path"],
                              ["max_pixels": .integer(10_000)])

    /// decode -> detect -> draw, plus an inspect branch: outputs detections, annotated image, summary.
    static func detection(hash: String = "hash-detect", extraStages: [ExecutionPlan.PlannedStage] = [],
                          detectInput: String = "$decode.image") -> ExecutionPlan {
        ExecutionPlan(
            name: "test-detect", inputs: graphInputs,
            stages: [decode] + extraStages + [
                stage("detect", TestDetectStage.type, ["image": detectInput]),
                stage("draw", TestDrawStage.type, ["image": "$decode.image", "detections": "$detect.detections"]),
                stage("inspect", TestInspectStage.type, ["image": "$decode.image"]),
            ],
            outputs: [.init(name: "detections", selector: Selector(parsing: "$detect.detections")!, type: .detections),
                      .init(name: "annotated", selector: Selector(parsing: "$draw.image")!, type: .image),
                      .init(name: "summary", selector: Selector(parsing: "$inspect.summary")!, type: .record)],
            hash: hash, modelFiles: [])
    }
}


/// Parses each line as a JSON object (nil for a line that is not one).
func parsedLines(_ lines: [String]) -> [[String: Any]?] {
    lines.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
}
