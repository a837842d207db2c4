import Foundation

/// A failure while a command runs (a missing file, a model that does not load, a corrupt image):
/// printed as one line on stderr, exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }

    /// Writes `line` and a newline to stderr.
    static func printToStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Ends the process with `status` (`ParsableCommand.exit(withError:)` hides the C function's name
/// inside command types).
func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
