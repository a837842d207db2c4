import Foundation

/// A failure while a command runs (a missing file, a model that does not load, a corrupt image):
/// printed as one line on stderr, exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }

    /// At most this many lines of a multi-line message are joined into the one printed line.
    static let joinedLineLimit = 20

    /// Writes `message` to stderr as one line: the lines of a multi-line message (a list of
    /// missing tensors, say) are joined with "; " (list bullets dropped), the first
    /// `joinedLineLimit` of them.
    static func printToStandardError(_ message: String) {
        let lines = message.split(separator: "\n").map { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
        }.filter { !$0.isEmpty }
        var shown = ""
        for line in lines.prefix(joinedLineLimit) {
            // A heading ending in ':' runs on into its first item.
            shown += shown.isEmpty ? line : (shown.hasSuffix(":") ? " " : "; ") + line
        }
        if lines.count > joinedLineLimit { shown += "; … (\(lines.count - joinedLineLimit) more lines)" }
        writeToStandardError(shown)
    }

    /// Writes `text` and a newline to stderr as it is.
    static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Ends the process with `status` (`ParsableCommand.exit(withError:)` hides the C function's name
/// inside command types).
func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
