/// Text that is not JSON: where the parser stopped and what it expected there.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Position of the offending character (or of the end of the text).
    public var position: JSONPosition
    /// What was expected versus what was found, e.g. `expected ',' or '}' after an object member, found '"'`.
    public var message: String

    public init(position: JSONPosition, message: String) {
        self.position = position; self.message = message
    }

    public var offset: Int { position.offset }
    public var line: Int { position.line }
    public var column: Int { position.column }

    /// The message with its line and column, for text files people edit.
    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}
