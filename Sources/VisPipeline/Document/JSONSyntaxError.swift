/// Text that is not JSON: where the parser stopped and what it expected there.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based position of the offending character (or of the end of the text).
    public var line: Int
    public var column: Int
    /// What was expected versus what was found, e.g. `expected ',' or '}' after an object member, found '"'`.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line; self.column = column; self.message = message
    }

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}
