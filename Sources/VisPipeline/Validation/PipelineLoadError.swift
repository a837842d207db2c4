/// A pipeline file that cannot be run: every error found (validation does not stop at the first),
/// plus the warnings found on the way.
public struct PipelineLoadError: Error, Sendable, CustomStringConvertible {
    /// The pipeline file as given.
    public var path: String
    /// Errors and warnings in the order found (file order: top level, inputs, stages, outputs, graph).
    public var issues: [ValidationIssue]

    public init(path: String, issues: [ValidationIssue]) { self.path = path; self.issues = issues }

    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ValidationIssue] { issues.filter { $0.severity == .warning } }

    /// A heading naming the file and the error count, then one issue per line.
    public var description: String {
        let count = errors.count
        return "invalid pipeline \(path) (\(count) error\(count == 1 ? "" : "s")):\n"
            + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
