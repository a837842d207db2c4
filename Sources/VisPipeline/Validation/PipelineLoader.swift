import Foundation
import VisFiles

/// Reads, overrides and validates a pipeline file: the one entry point for `vispipe validate`,
/// `vispipe run` and anything else that runs pipelines.
public enum PipelineLoader {
    /// Loads the pipeline at `path`, applies `--set STAGE.PARAM=VALUE` `overrides` and validates it
    /// against `registry`. Throws every problem found (not only the first); relative paths in
    /// parameters resolve against the file's folder.
    public static func load(path: String, overrides: [String] = [], registry: StageRegistry) throws(PipelineLoadError) -> ValidatedPipeline {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw PipelineLoadError(path: path, issues: [.error("$", "cannot read the pipeline file: \(reason)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineLoadError(path: path, issues: [.error("$", "expected UTF-8 text, found bytes that are not UTF-8")])
        }
        let baseDirectory = url.deletingLastPathComponent().standardizedFileURL.path
        return try load(text: text, baseDirectory: baseDirectory, name: path, overrides: overrides, registry: registry)
    }

    /// Like `load(path:…)` for pipeline text already in memory; `name` appears in the error.
    public static func load(text: String, baseDirectory: String, name: String = "pipeline.json", overrides: [String] = [],
                            registry: StageRegistry) throws(PipelineLoadError) -> ValidatedPipeline {
        var root: JSONNode
        do {
            root = try PipelineJSON.parse(text)
        } catch {
            throw PipelineLoadError(path: name, issues: [.error("$", error.description)])
        }
        var issues: [ValidationIssue] = []

        var parsedOverrides: [ParameterOverride] = []
        for text in overrides {
            switch ParameterOverride.parse(text) {
            case .success(let override): parsedOverrides.append(override)
            case .failure(let issue): issues.append(issue)
            }
        }
        let applied = ParameterOverride.apply(parsedOverrides, to: &root, registry: registry)
        issues += applied.issues

        let reading = PipelineDocumentReader.read(root, baseDirectory: baseDirectory)
        let outcome = PipelineValidator.validate(reading, registry: registry)
        issues += (reading.issues + outcome.issues).map { annotate($0, sources: applied.sources) }

        // Errors first (in file order), then warnings.
        let errors = issues.filter { $0.severity == .error }, warnings = issues.filter { $0.severity == .warning }
        guard errors.isEmpty else { throw PipelineLoadError(path: name, issues: errors + warnings) }

        let canonical = JSONWriter.canonical(root.value)
        return ValidatedPipeline(document: reading.document, stages: outcome.stages, outputs: outcome.outputs,
                                 warnings: warnings, hash: SHA256.hexDigest(Array(canonical.utf8)), canonicalJSON: canonical)
    }

    /// Adds "(set by --set …)" to a problem with a value that came from the command line.
    private static func annotate(_ issue: ValidationIssue, sources: [String: ParameterOverride]) -> ValidationIssue {
        guard let override = sources[issue.jsonPath] else { return issue }
        var annotated = issue
        annotated.message += " (set by --set \(override.text))"
        return annotated
    }
}
