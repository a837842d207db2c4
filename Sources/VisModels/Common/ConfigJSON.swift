import Foundation

/// A JSON value as a model's `config.json` holds it. Integers and fractions are kept apart so that
/// a width written as `3.5` is refused rather than truncated.
enum ConfigJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ConfigJSON])
    case object([String: ConfigJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ConfigJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ConfigJSON].self)) }
    }

    /// Parses a whole file's bytes; `file` names it in the error.
    static func parse(_ data: Data, file: String) throws(ModelError) -> ConfigJSON {
        do {
            return try JSONDecoder().decode(ConfigJSON.self, from: data)
        } catch {
            throw .unreadableConfig(file: file, reason: "not valid JSON (\(error))")
        }
    }

    /// Reads and parses `path`.
    static func load(path: String) throws(ModelError) -> ConfigJSON {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableConfig(file: path, reason: FileManager.default.fileExists(atPath: path) ? "the file cannot be read" : "no such file")
        }
        return try parse(data, file: path)
    }

    /// The value as an error message shows it: `the string "swish"`, `the number 3.5`, `null`.
    var described: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return "the boolean \(value)"
        case .int(let value): return "the number \(value)"
        case .double(let value): return "the number \(value)"
        case .string(let value): return "the string \"\(value)\""
        case .array(let values): return "an array of \(values.count) values [\(values.map(\.compactText).joined(separator: ", "))]"
        case .object(let members): return "an object with keys \(members.keys.sorted())"
        }
    }

    private var compactText: String {
        switch self {
        case .string(let value): return "\"\(value)\""
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return String(value)
        case .null: return "null"
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }
}

/// Typed, path-aware access to one JSON object of a configuration file: every error names the
/// file and the dotted key path (`backbone_config.layer_type`) and shows what was found.
struct ConfigObject: Sendable {
    let file: String
    /// The object's own path, empty for the file's root.
    let path: String
    let members: [String: ConfigJSON]

    init(_ value: ConfigJSON, file: String, path: String = "") throws(ModelError) {
        guard case .object(let members) = value else {
            throw .invalidConfigValue(file: file, key: path.isEmpty ? "(root)" : path, expected: "a JSON object", found: value.described)
        }
        self.file = file
        self.path = path
        self.members = members
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of `key`, or nil when it is absent or null (transformers treats both as "unset").
    func value(_ key: String) -> ConfigJSON? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func error(_ key: String, expected: String) -> ModelError {
        .invalidConfigValue(file: file, key: keyPath(key), expected: expected, found: members[key]?.described ?? "missing")
    }

    func int(_ key: String, default fallback: Int? = nil, minimum: Int = Int.min) throws(ModelError) -> Int {
        let expected = minimum == Int.min ? "an integer" : "an integer ≥ \(minimum)"
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw error(key, expected: expected)
        }
        guard let number = ConfigObject.integer(value), number >= minimum else { throw error(key, expected: expected) }
        return number
    }

    func bool(_ key: String, default fallback: Bool) throws(ModelError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let flag) = value else { throw error(key, expected: "true or false") }
        return flag
    }

    func string(_ key: String) throws(ModelError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw error(key, expected: "a string") }
        return text
    }

    func intArray(_ key: String, minimum: Int = Int.min) throws(ModelError) -> [Int]? {
        guard let value = value(key) else { return nil }
        let expected = minimum == Int.min ? "an array of integers" : "an array of integers ≥ \(minimum)"
        guard case .array(let values) = value else { throw error(key, expected: expected) }
        var result: [Int] = []
        for element in values {
            guard let number = ConfigObject.integer(element), number >= minimum else { throw error(key, expected: expected) }
            result.append(number)
        }
        return result
    }

    func stringArray(_ key: String) throws(ModelError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let values) = value else { throw error(key, expected: "an array of strings") }
        var result: [String] = []
        for element in values {
            guard case .string(let text) = element else { throw error(key, expected: "an array of strings") }
            result.append(text)
        }
        return result
    }

    /// The nested object under `key`, or nil when absent or null.
    func object(_ key: String) throws(ModelError) -> ConfigObject? {
        guard let value = value(key) else { return nil }
        return try ConfigObject(value, file: file, path: keyPath(key))
    }

    /// Integers, also when written with a zero fraction (`3.0`).
    private static func integer(_ value: ConfigJSON) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: return nil
        }
    }
}
