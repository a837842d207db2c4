import ArgumentParser
import Foundation
import VisPipeline

/// `vispipe validate pipeline.json [--set STAGE.PARAM=VALUE ...]`: checks a pipeline file against
/// the built-in stages without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file: stage types, parameters, connections, port types, cycles.",
        discussion: """
            Prints "valid" (and any warnings) and exits 0, or prints every problem, one per line as \
            PATH: message, on stderr and exits 2. See Docs/pipeline-format.md.
            """
    )

    @Argument(help: "The pipeline file (pipeline.json).")
    var pipeline: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a stage parameter (repeatable); VALUE is JSON or plain text.", valueName: "STAGE.PARAM=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Print the result as JSON on stdout (valid, hash, stage order, issues).")
    var json = false

    func run() throws {
        do throws(PipelineLoadError) {
            let pipeline = try PipelineLoader.load(path: self.pipeline, overrides: overrides, registry: BuiltinStages.registry)
            if json {
                print(JSONWriter.pretty(.object([
                    "valid": .bool(true),
                    "hash": .string(pipeline.hash),
                    "order": .array(pipeline.stages.map { .string($0.name) }),
                    "issues": .array(pipeline.warnings.map(Self.json(for:))),
                ])), terminator: "")
            } else {
                print("valid")
                for warning in pipeline.warnings { print(warning) }
            }
        } catch {
            if json {
                print(JSONWriter.pretty(.object(["valid": .bool(false), "issues": .array(error.issues.map(Self.json(for:)))])), terminator: "")
            } else {
                for issue in error.issues { CLIFailure.writeToStandardError(issue.description) }
                let count = error.errors.count
                CLIFailure.writeToStandardError("vispipe: invalid pipeline \(self.pipeline): \(count) error\(count == 1 ? "" : "s")")
            }
            throw ExitCode(2)
        }
    }

    static func json(for issue: ValidationIssue) -> JSONValue {
        .object(["severity": .string(issue.severity.rawValue), "path": .string(issue.jsonPath), "message": .string(issue.message)])
    }
}
