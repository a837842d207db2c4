/// Where a JSON value or key starts in the parsed text.
public struct JSONPosition: Sendable, Hashable {
    /// 0-based byte offset into the UTF-8 text.
    public var offset: Int
    /// 1-based line and column (columns count characters, not bytes).
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset; self.line = line; self.column = column
    }

    /// For values built in code rather than parsed (line 0 marks them).
    public static let unknown = JSONPosition(offset: 0, line: 0, column: 0)
}

/// A parsed JSON value that remembers where it was written.
///
/// Object members stay in file order with repeated keys kept, and numbers stay as their source
/// text: callers decide what a repeated key means (a safetensors header refuses it, pipeline
/// validation reports it with a JSON path) and how a number is read (exact integers for sizes,
/// doubles for parameters) — `JSONSerialization` would collapse duplicates and round integers
/// through `Double`.
public struct JSONNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number's literal text as written (already checked against the JSON grammar).
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([JSONMember])
    }

    public var kind: Kind
    /// Where the value's first character is.
    public var position: JSONPosition

    public init(_ kind: Kind, position: JSONPosition = .unknown) {
        self.kind = kind; self.position = position
    }

    /// The members of an object, `nil` for other kinds.
    public var members: [JSONMember]? { if case .object(let members) = kind { return members }; return nil }

    /// The number as an `Int` when its literal is an integer (no fraction, no exponent) that `Int`
    /// holds exactly; `nil` for other literals and other kinds. Never goes through `Double`.
    public var integerValue: Int? {
        guard case .number(let text) = kind, !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        else { return nil }
        return Int(text)
    }

    /// The number as the nearest `Double`; `nil` when it is beyond `Double`'s range (`1e999`) or
    /// the node is not a number.
    public var doubleValue: Double? {
        guard case .number(let text) = kind, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Compact JSON text of the value: members in order, numbers as written, no whitespace.
    public var compactText: String {
        switch kind {
        case .object(let members):
            return "{" + members.map { JSONStringLiteral.quoted($0.key) + ":" + $0.value.compactText }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.compactText).joined(separator: ",") + "]"
        case .string(let text): return JSONStringLiteral.quoted(text)
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The repeated key that comes first in the text anywhere in this tree (objects nested in
    /// arrays and objects included), with the member it repeats; `nil` when every object's keys
    /// are distinct. For callers that refuse duplicates outright.
    public func firstRepeatedKey() -> (first: JSONMember, repeated: JSONMember)? {
        var found: (first: JSONMember, repeated: JSONMember)?
        func visit(_ node: JSONNode) {
            switch node.kind {
            case .array(let items): items.forEach(visit)
            case .object(let members):
                var seen: [String: JSONMember] = [:]
                for member in members {
                    if let first = seen[member.key] {
                        if found.map({ member.keyPosition.offset < $0.repeated.keyPosition.offset }) ?? true { found = (first, member) }
                    } else {
                        seen[member.key] = member
                    }
                    visit(member.value)
                }
            default: break
            }
        }
        visit(self)
        return found
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    /// Where the key's opening quote is.
    public var keyPosition: JSONPosition
    public var value: JSONNode

    public init(key: String, keyPosition: JSONPosition = .unknown, value: JSONNode) {
        self.key = key; self.keyPosition = keyPosition; self.value = value
    }
}
