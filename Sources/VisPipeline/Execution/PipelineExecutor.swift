/// Runs items through an `ExecutionPlan`. Stage instances are created once (models load once) and
/// shared by all items; `process` may therefore run concurrently for different items. Within one
/// item, a stage starts as soon as the stages it reads from have finished, so independent branches
/// run concurrently.
public final class PipelineExecutor: Sendable {
    public let plan: ExecutionPlan
    /// Stage instances, parallel to `plan.stages`.
    private let instances: [any Stage]
    /// For each stage, the indices of the stages it reads from.
    private let dependencies: [[Int]]
    /// For each stage, the indices of the stages that read from it.
    private let dependents: [[Int]]
    /// For each stage, the output ports read later (by stages or graph outputs): they must be produced.
    private let consumedPorts: [Set<String>]
    /// Time with any stage running, across all items.
    public let busyClock = StageBusyClock()

    /// Checks the plan and instantiates every stage with the shared `context` (this is where models load).
    public init(plan: ExecutionPlan, context: any StageContext) throws(ExecutorSetupError) {
        do { try plan.check() } catch { throw .invalidPlan(error) }
        var instances: [any Stage] = []
        for stage in plan.stages {
            do { instances.append(try stage.type.make(stage.parameters, context)) } catch {
                throw .stagePreparation(stage: stage.name, message: String(describing: error))
            }
        }
        let index = Dictionary(uniqueKeysWithValues: plan.stages.enumerated().map { ($1.name, $0) })
        var dependencies = Array(repeating: [Int](), count: plan.stages.count)
        var dependents = Array(repeating: [Int](), count: plan.stages.count)
        var consumed = Array(repeating: Set<String>(), count: plan.stages.count)
        func note(_ selector: Selector) -> Int? {
            guard case .stageOutput(let stage, let port) = selector.source, let producer = index[stage] else { return nil }
            consumed[producer].insert(port)
            return producer
        }
        for (i, stage) in plan.stages.enumerated() {
            let producers = Set(stage.inputs.values.compactMap(note)).sorted()
            dependencies[i] = producers
            for producer in producers { dependents[producer].append(i) }
        }
        for output in plan.outputs { _ = note(output.selector) }
        if let source = plan.sourceImage { _ = note(source) }
        self.plan = plan
        self.instances = instances
        self.dependencies = dependencies
        self.dependents = dependents
        self.consumedPorts = consumed
    }

    private typealias StageResult = (index: Int, result: Result<[String: PipelineValue], any Error>, time: Duration)

    /// Runs one item. `inputs` are the graph inputs by name. Never throws: a failing stage ends the
    /// item with `.failed` naming it; cancellation of the calling task ends it with `.cancelled`.
    public func run(_ inputs: [String: PipelineValue]) async -> ItemOutcome {
        var values: [Selector: PipelineValue] = [:]
        for (name, value) in inputs { values[Selector(.graphInput(name))] = value }
        var waitingOn = dependencies.map(\.count)
        var times: [String: Duration] = [:]
        var failure: StageFailure?
        var cancelled = false

        await withTaskGroup(of: StageResult.self) { group in
            func start(_ i: Int) {
                let stage = plan.stages[i]
                var stageInputs: [String: PipelineValue] = [:]
                for (port, selector) in stage.inputs { stageInputs[port] = values[selector] }
                let instance = instances[i]
                let clock = busyClock
                group.addTask {
                    let started = ContinuousClock.now
                    clock.enter()
                    defer { clock.leave() }
                    do {
                        try Task.checkCancellation()
                        let outputs = try await instance.process(stageInputs)
                        return (i, .success(outputs), ContinuousClock.now - started)
                    } catch {
                        return (i, .failure(error), ContinuousClock.now - started)
                    }
                }
            }
            for i in plan.stages.indices where waitingOn[i] == 0 { start(i) }
            while let (i, result, time) = await group.next() {
                let stage = plan.stages[i]
                times[stage.name] = time
                let outputs: [String: PipelineValue]
                switch result {
                case .success(let produced): outputs = produced
                case .failure(let error):
                    if error is CancellationError || Task.isCancelled { cancelled = true } else {
                        failure = StageFailure(stage: stage.name, message: String(describing: error))
                    }
                    group.cancelAll()
                    return
                }
                if let broken = checkOutputs(outputs, of: i) {
                    failure = broken
                    group.cancelAll()
                    return
                }
                for (port, value) in outputs { values[Selector(.stageOutput(stage: stage.name, port: port))] = value }
                for next in dependents[i] {
                    waitingOn[next] -= 1
                    if waitingOn[next] == 0 { start(next) }
                }
            }
        }
        if let failure { return ItemOutcome(status: .failed(failure), stageTimes: times) }
        if cancelled || Task.isCancelled { return ItemOutcome(status: .cancelled, stageTimes: times) }

        var outputs: [String: PipelineValue] = [:]
        for output in plan.outputs { outputs[output.name] = values[output.selector] }
        var sourceImage: ImageValue?
        if let source = plan.sourceImage, case .image(let image)? = values[source] { sourceImage = image }
        return ItemOutcome(status: .succeeded(outputs: outputs, sourceImage: sourceImage), stageTimes: times)
    }

    /// A stage must return values of its declared port types, and every port read later.
    private func checkOutputs(_ outputs: [String: PipelineValue], of i: Int) -> StageFailure? {
        let stage = plan.stages[i]
        let descriptor = stage.type.descriptor
        for (port, value) in outputs.sorted(by: { $0.key < $1.key }) {
            guard let spec = descriptor.output(named: port) else {
                return StageFailure(stage: stage.name, message: "produced undeclared output '\(port)'")
            }
            if spec.type != value.type {
                return StageFailure(stage: stage.name, message: "output '\(port)' is declared \(spec.type) but the stage produced \(value.type)")
            }
        }
        for port in consumedPorts[i].sorted() where outputs[port] == nil {
            return StageFailure(stage: stage.name, message: "did not produce output '\(port)'")
        }
        return nil
    }
}

/// The pipeline cannot start: the plan is inconsistent or a stage could not be prepared (a model
/// that does not load, say).
public enum ExecutorSetupError: Error, CustomStringConvertible {
    case invalidPlan(ExecutionPlanError)
    case stagePreparation(stage: String, message: String)

    public var description: String {
        switch self {
        case .invalidPlan(let error): return error.description
        case .stagePreparation(let stage, let message): return "stage '\(stage)' could not be prepared: \(message)"
        }
    }
}
