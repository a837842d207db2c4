import VisFiles

/// How pipeline files and `--set` values are read as JSON: strictly, with line and column
/// positions for messages, repeated keys kept (the document reader reports them), and every
/// number within `Double`'s range (parameters are doubles).
public enum PipelineJSON {
    /// Far beyond any real pipeline; hostile input is refused here rather than recursed into.
    public static let maximumDepth = 256

    /// Parses `text`; a number beyond `Double`'s range (`1e999`) is a syntax error at that number.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        let root = try JSONParser.parse(text, maximumDepth: maximumDepth)
        if let number = firstNumberOutOfRange(in: root), case .number(let literal) = number.kind {
            throw JSONSyntaxError(position: number.position, message: "expected a number within the range of a double (about ±1.8e308), found \(literal)")
        }
        return root
    }

    /// The first number (in text order) that no finite `Double` can hold.
    private static func firstNumberOutOfRange(in node: JSONNode) -> JSONNode? {
        switch node.kind {
        case .number: return node.doubleValue == nil ? node : nil
        case .array(let items): return items.lazy.compactMap(firstNumberOutOfRange).first
        case .object(let members): return members.lazy.compactMap { firstNumberOutOfRange(in: $0.value) }.first
        case .null, .bool, .string: return nil
        }
    }
}

extension JSONNode {
    /// The value without positions; for repeated keys the last one wins (as in most JSON readers),
    /// which only matters after the duplicate has been reported.
    public var value: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        // `PipelineJSON.parse` refuses numbers beyond Double's range, and `JSONValue.node` writes
        // doubles in a form that reads back exactly.
        case .number: return .number(doubleValue ?? .nan)
        case .string(let value): return .string(value)
        case .array(let items): return .array(items.map(\.value))
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for member in members { result[member.key] = member.value.value }
            return .object(result)
        }
    }
}

extension JSONValue {
    /// A node for this value (positions unknown), e.g. for values set by `--set`.
    public var node: JSONNode {
        switch self {
        case .null: return JSONNode(.null)
        case .bool(let value): return JSONNode(.bool(value))
        case .number(let value): return JSONNode(.number(String(value)))
        case .string(let value): return JSONNode(.string(value))
        case .array(let items): return JSONNode(.array(items.map(\.node)))
        case .object(let members):
            return JSONNode(.object(members.keys.sorted().map { JSONMember(key: $0, value: members[$0]!.node) }))
        }
    }
}
