/// A pipeline file as written (`pipeline.json`), before validation. Parsing keeps each element's
/// JSON path so validation messages can name it.
///
/// ```json
/// {
///   "version": 1,
///   "inputs": {"image": "image"},
///   "stages": [
///     {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.image"}},
///     {"name": "detector", "type": "detr", "params": {"model": "../Fixtures/models/x"},
///      "inputs": {"image": "$decode.image"}}
///   ],
///   "outputs": {"detections": "$detector.detections"}
/// }
/// ```
public struct PipelineDocument: Sendable {
    /// Format version; only 1 exists.
    public var version: Int
    /// Free text.
    public var description: String?
    /// Graph inputs by name and type (the batch runner feeds each image file to the `image` input).
    public var inputs: [GraphInput]
    public var stages: [StageEntry]
    /// Declared graph outputs: name -> selector.
    public var outputs: [GraphOutput]
    /// The folder relative paths in parameters resolve against (the pipeline file's folder).
    public var baseDirectory: String

    public init(version: Int, description: String?, inputs: [GraphInput], stages: [StageEntry], outputs: [GraphOutput], baseDirectory: String) {
        self.version = version; self.description = description; self.inputs = inputs
        self.stages = stages; self.outputs = outputs; self.baseDirectory = baseDirectory
    }

    public struct GraphInput: Sendable {
        public var name: String
        public var type: PortType
        public var jsonPath: String
        public init(name: String, type: PortType, jsonPath: String) { self.name = name; self.type = type; self.jsonPath = jsonPath }
    }

    public struct StageEntry: Sendable {
        public var name: String
        public var type: String
        /// Raw parameter values as JSON (checked against the stage's declaration by validation).
        public var params: [String: JSONValue]
        /// Input port -> selector.
        public var inputs: [String: Selector]
        /// `stages[i]`
        public var jsonPath: String
        public init(name: String, type: String, params: [String: JSONValue], inputs: [String: Selector], jsonPath: String) {
            self.name = name; self.type = type; self.params = params; self.inputs = inputs; self.jsonPath = jsonPath
        }
    }

    public struct GraphOutput: Sendable {
        public var name: String
        public var selector: Selector
        public var jsonPath: String
        public init(name: String, selector: Selector, jsonPath: String) { self.name = name; self.selector = selector; self.jsonPath = jsonPath }
    }
}

/// A reference to a value: `$inputs.NAME` (a graph input) or `$STAGE.PORT` (a stage's output).
public struct Selector: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Source: Sendable, Equatable, Hashable {
        case graphInput(String)
        case stageOutput(stage: String, port: String)
    }
    public var source: Source

    public init(_ source: Source) { self.source = source }

    /// Parses `$inputs.image` or `$decode.image`; `nil` when the text is not a selector.
    public init?(parsing text: String) {
        guard text.hasPrefix("$") else { return nil }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        if parts[0] == "inputs" { source = .graphInput(String(parts[1])) }
        else { source = .stageOutput(stage: String(parts[0]), port: String(parts[1])) }
    }

    public var description: String {
        switch source {
        case .graphInput(let name): return "$inputs.\(name)"
        case .stageOutput(let stage, let port): return "$\(stage).\(port)"
        }
    }
}

/// A JSON value kept as parsed (parameters are typed only against a stage's declaration).
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in messages ("number", "string", …).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let values): return "{" + values.keys.sorted().map { "\"\($0)\": \(values[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}
