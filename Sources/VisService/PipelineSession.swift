import Foundation
import VisPipeline

/// One loaded pipeline shared by long-running services (the watch-folder daemon and the HTTP
/// service): the pipeline file is validated once, its models are loaded once into one `ModelCache`,
/// and every image goes through the same `PipelineExecutor`.
public final class PipelineSession: Sendable {
    /// The execution plan of the loaded pipeline (its `hash` identifies the pipeline's canonical JSON).
    public let plan: ExecutionPlan
    /// Loaded models and other shared values, created once per key.
    public let modelCache: ModelCache
    /// Runs one item through the graph.
    public let executor: PipelineExecutor
    /// Warnings the validator reported (the pipeline still runs).
    public let warnings: [String]

    /// Loads and validates the pipeline at `path` (with `--set key=value` `overrides`) and prepares its stages.
    ///
    /// - Throws: `PipelineLoadError` when the file does not load or validate; `ExecutorSetupError`
    ///   when a stage cannot be prepared (a model that does not load, for instance).
    public init(path: String, overrides: [String] = [], registry: StageRegistry = BuiltinStages.registry,
                modelCache: ModelCache = ModelCache()) throws {
        let validated = try PipelineLoader.load(path: path, overrides: overrides, registry: registry)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let plan = ExecutionPlan(validated: validated, name: name)
        self.plan = plan
        self.modelCache = modelCache
        self.executor = try PipelineExecutor(plan: plan, context: modelCache)
        self.warnings = validated.warnings.map { "\($0)" }
    }

    /// The pipeline's identity (SHA-256 hex of its canonical JSON).
    public var hash: String { plan.hash }

    /// Runs one image file through the graph. `file` is the absolute path, `relativePath` the name the
    /// results use; `relative_path` is passed only when the pipeline declares that input.
    public func process(file: String, relativePath: String) async -> ItemOutcome {
        var inputs: [String: PipelineValue] = [ExecutionPlan.fileInput: .text(file)]
        if plan.inputs[ExecutionPlan.relativePathInput] == .text {
            inputs[ExecutionPlan.relativePathInput] = .text(relativePath)
        }
        return await executor.run(inputs)
    }
}
