import Foundation
import VisPipeline

/// A latch the tests open when they are ready: everything awaiting `pass()` waits until `open()`.
/// Counts arrivals so a test can wait until a request is inside the pipeline.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var arrivals = 0

    func pass() async {
        arrivals += 1
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}

/// Gates by name, so a pipeline file can say which one its `gate` stage waits on.
enum Gates {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var gates: [String: Gate] = [:]

    static func make(_ name: String) -> Gate {
        lock.lock(); defer { lock.unlock() }
        let gate = Gate()
        gates[name] = gate
        return gate
    }

    static func named(_ name: String) -> Gate? {
        lock.lock(); defer { lock.unlock() }
        return gates[name]
    }
}

/// `gate`: passes its image through once the named `Gate` opens — a real stage that makes a run
/// take exactly as long as a test wants, so queueing and timeouts are deterministic.
struct GateStage: Stage {
    static let descriptor = StageDescriptor(
        type: "gate", summary: "Test stage: waits for a named gate to open, then passes the image on.",
        inputs: [PortSpec("image", .image, summary: "Any image.")],
        outputs: [PortSpec("image", .image, summary: "The same image.")],
        parameters: [ParameterSpec("gate", .string, default: nil, summary: "Name of the gate to wait for.")])

    let gate: Gate

    init(parameters: StageParameters, context: any StageContext) throws {
        let name = parameters.string("gate") ?? ""
        guard let gate = Gates.named(name) else { throw BuiltinStageError.invalidParameter(name: "gate", expected: "a known gate", found: name) }
        self.gate = gate
    }

    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        await gate.pass()
        guard let image = inputs["image"] else { throw BuiltinStageError.missingInput(port: "image") }
        return ["image": image]
    }

    /// The built-in stages plus `gate`.
    static var registry: StageRegistry {
        var registry = BuiltinStages.registry
        registry.register(StageType(descriptor, GateStage.self))
        return registry
    }
}
