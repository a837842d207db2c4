/// A batch run that cannot start or cannot write its outputs. Failures of single images are not
/// errors: they are recorded in `errors.jsonl` and counted in the `RunSummary`.
public enum BatchRunError: Error, Equatable, CustomStringConvertible {
    /// Inputs, options or the output folder's state do not allow the run (exit status 2).
    case invalidArguments(String)
    /// The pipeline cannot start: a stage failed to prepare, e.g. its model does not load (exit status 1).
    case setup(String)
    /// Writing or reading the output folder failed (exit status 1).
    case io(String)

    public var description: String {
        switch self {
        case .invalidArguments(let message), .setup(let message), .io(let message): return message
        }
    }

    /// The process exit status for this error: 2 for invalid arguments, 1 otherwise.
    public var exitStatus: Int32 {
        if case .invalidArguments = self { return 2 }
        return 1
    }
}
