import Foundation
import VisPipeline

/// One loaded pipeline, ready to process images: the validated plan, one model cache and one
/// executor (models are loaded once, when the session is created). The watch daemon and the HTTP
/// service share a session when they run in one process.
public final class PipelineSession: Sendable {
    /// The executable plan (stages, parameters, wiring, outputs).
    public let plan: ExecutionPlan
    /// The loaded models and other shared values.
    public let modelCache: ModelCache
    /// Non-fatal problems found while validating the pipeline file.
    public let warnings: [ValidationIssue]
    private let executor: PipelineExecutor

    /// SHA-256 (hex) of the pipeline's canonical JSON after overrides.
    public var hash: String { plan.hash }

    /// Loads and validates the pipeline file at `path` with `--set` `overrides`, then prepares every
    /// stage (this loads the models, so it can take a while).
    ///
    /// - Throws: `PipelineLoadError` for an invalid pipeline, `ExecutorSetupError` when a stage
    ///   cannot be prepared (a model folder that does not load, say).
    public init(path: String, overrides: [String] = [], registry: StageRegistry = BuiltinStages.registry,
                modelCache: ModelCache = ModelCache()) throws {
        let validated = try PipelineLoader.load(path: path, overrides: overrides, registry: registry)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let plan = ExecutionPlan(validated: validated, name: name)
        self.executor = try PipelineExecutor(plan: plan, context: modelCache)
        self.plan = plan
        self.modelCache = modelCache
        self.warnings = validated.warnings
    }

    /// Runs one image file through the pipeline. Never throws: failures are in the outcome.
    public func process(file: String, relativePath: String) async -> ItemOutcome {
        var inputs: [String: PipelineValue] = [ExecutionPlan.fileInput: .text(file)]
        if plan.inputs[ExecutionPlan.relativePathInput] != nil {
            inputs[ExecutionPlan.relativePathInput] = .text(relativePath)
        }
        return await executor.run(inputs)
    }
}
