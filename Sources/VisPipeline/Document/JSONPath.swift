/// Builds the JSON paths used in messages: `stages[2].params.threshold`. Keys that are not plain
/// identifiers are quoted (`outputs["my output"]`); the whole document is `$`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The path text without the root marker ("" for the root).
    public private(set) var text: String

    public static let root = JSONPath(text: "")

    private init(text: String) { self.text = text }

    public func key(_ key: String) -> JSONPath {
        if Self.isIdentifier(key) { return JSONPath(text: text.isEmpty ? key : "\(text).\(key)") }
        var escaped = ""
        for character in key { escaped += character == "\"" ? "\\\"" : (character == "\\" ? "\\\\" : String(character)) }
        return JSONPath(text: "\(text)[\"\(escaped)\"]")
    }

    public func index(_ index: Int) -> JSONPath { JSONPath(text: "\(text)[\(index)]") }

    public var description: String { text.isEmpty ? "$" : text }

    /// ASCII letters, digits and `_`, not starting with a digit: keys written bare in paths.
    public static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, !isDigit(first) else { return false }
        return bytes.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "_") }
    }

    /// The names a pipeline gives stages, graph inputs and outputs: ASCII letters, digits, `_` and
    /// `-`, starting with a letter or `_` (so a selector `$name.port` can spell them).
    public static func isValidName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
