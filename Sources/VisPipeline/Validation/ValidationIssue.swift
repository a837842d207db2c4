/// One problem found in a pipeline file: where (a JSON path such as `stages[2].params.threshold`)
/// and what was expected versus what was found.
public struct ValidationIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        /// The pipeline cannot run.
        case error
        /// The pipeline runs, but probably not as meant (a stage whose results go nowhere).
        case warning
    }

    public var severity: Severity
    /// Where in the file: `version`, `stages[2].params.threshold`, `outputs.boxes`; `$` for the
    /// whole file; `--set NAME=VALUE` for a command-line override.
    public var jsonPath: String
    /// What is wrong, with the expected and the found value.
    public var message: String

    public init(_ severity: Severity, _ jsonPath: String, _ message: String) {
        self.severity = severity; self.jsonPath = jsonPath; self.message = message
    }

    public static func error(_ jsonPath: String, _ message: String) -> ValidationIssue { ValidationIssue(.error, jsonPath, message) }
    public static func warning(_ jsonPath: String, _ message: String) -> ValidationIssue { ValidationIssue(.warning, jsonPath, message) }

    /// `PATH: message` for errors, `PATH: warning: message` for warnings (one line each).
    public var description: String {
        severity == .error ? "\(jsonPath): \(message)" : "\(jsonPath): warning: \(message)"
    }
}
