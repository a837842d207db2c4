/// What a stage type declares about itself: its ports and parameters. Everything a user sees —
/// `vispipe stages`, validation messages, the JSON Schema, the docs table — is derived from these
/// declarations, so they cannot drift apart.
public struct StageDescriptor: Sendable {
    /// The `type` string used in pipeline files, e.g. `"detr"`.
    public var type: String
    /// One line describing what the stage does.
    public var summary: String
    public var inputs: [PortSpec]
    public var outputs: [PortSpec]
    public var parameters: [ParameterSpec]

    public init(type: String, summary: String, inputs: [PortSpec], outputs: [PortSpec], parameters: [ParameterSpec]) {
        self.type = type; self.summary = summary; self.inputs = inputs; self.outputs = outputs; self.parameters = parameters
    }

    public func input(named name: String) -> PortSpec? { inputs.first { $0.name == name } }
    public func output(named name: String) -> PortSpec? { outputs.first { $0.name == name } }
    public func parameter(named name: String) -> ParameterSpec? { parameters.first { $0.name == name } }
}

/// A named, typed input or output port.
public struct PortSpec: Sendable, Equatable {
    public var name: String
    public var type: PortType
    /// Inputs only: whether the pipeline must connect it.
    public var required: Bool
    public var summary: String

    public init(_ name: String, _ type: PortType, required: Bool = true, summary: String) {
        self.name = name; self.type = type; self.required = required; self.summary = summary
    }
}

/// A stage parameter: its type, default, allowed range and description.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        case integer(range: ClosedRange<Int>?)
        case number(range: ClosedRange<Double>?)
        case boolean
        case string
        /// One of a fixed set of strings.
        case choice([String])
        /// A filesystem path (to a model directory or file); relative paths resolve against the
        /// pipeline file's folder.
        case path
        /// A list of strings (e.g. label names).
        case stringList
    }

    public var name: String
    public var kind: Kind
    /// `nil` means the parameter is required.
    public var defaultValue: ParameterValue?
    public var summary: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue?, summary: String) {
        self.name = name; self.kind = kind; self.defaultValue = defaultValue; self.summary = summary
    }

    public var isRequired: Bool { defaultValue == nil }
}

/// A parameter's value after validation (its case matches the parameter's `Kind`).
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case string(String)
    case stringList([String])

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .boolean(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .stringList(let value): return "[" + value.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}
