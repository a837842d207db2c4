/// A parsed JSON value that remembers where it was written and keeps object members in file order
/// with duplicates, so that pipeline messages can point at lines and report repeated keys (which
/// `JSONSerialization` would silently collapse).
public struct JSONNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        case object([JSONMember])
    }

    public var kind: Kind
    /// 1-based line and column of the value's first character.
    public var line: Int
    public var column: Int

    public init(_ kind: Kind, line: Int = 0, column: Int = 0) {
        self.kind = kind; self.line = line; self.column = column
    }

    /// The value without positions; for repeated keys the last one wins (as in most JSON readers),
    /// which only matters after the duplicate has been reported.
    public var value: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array(let items): return .array(items.map(\.value))
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for member in members { result[member.key] = member.value.value }
            return .object(result)
        }
    }

    /// The JSON type name used in messages ("number", "string", …).
    public var typeName: String { value.typeName }

    /// The members of an object, `nil` for other kinds.
    public var members: [JSONMember]? { if case .object(let members) = kind { return members }; return nil }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONNode
    public init(key: String, value: JSONNode) { self.key = key; self.value = value }
}

extension JSONValue {
    /// A node for this value (positions unknown), e.g. for values set by `--set`.
    public var node: JSONNode {
        switch self {
        case .null: return JSONNode(.null)
        case .bool(let value): return JSONNode(.bool(value))
        case .number(let value): return JSONNode(.number(value))
        case .string(let value): return JSONNode(.string(value))
        case .array(let items): return JSONNode(.array(items.map(\.node)))
        case .object(let members):
            return JSONNode(.object(members.keys.sorted().map { JSONMember(key: $0, value: members[$0]!.node) }))
        }
    }
}
