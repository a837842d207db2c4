/// The registry's stage types as JSON (`vispipe stages --json`): for each type its summary, ports
/// with types, and parameters with kind, default and range. Derived from the descriptors only.
public enum StageCatalog {
    /// `{"port_types": [...], "stages": [{"type", "summary", "inputs", "outputs", "parameters"}, …]}`,
    /// stages sorted by type.
    public static func json(for registry: StageRegistry) -> JSONValue {
        .object([
            "port_types": .array(PortType.allCases.map { .string($0.rawValue) }),
            "stages": .array(registry.descriptors.map(json(for:))),
        ])
    }

    public static func json(for descriptor: StageDescriptor) -> JSONValue {
        .object([
            "type": .string(descriptor.type),
            "summary": .string(descriptor.summary),
            "inputs": .array(descriptor.inputs.map { port in
                .object(["name": .string(port.name), "type": .string(port.type.rawValue),
                         "required": .bool(port.required), "summary": .string(port.summary)])
            }),
            "outputs": .array(descriptor.outputs.map { port in
                .object(["name": .string(port.name), "type": .string(port.type.rawValue), "summary": .string(port.summary)])
            }),
            "parameters": .array(descriptor.parameters.map(json(for:))),
        ])
    }

    /// `{"name", "kind", "required", "default"?, "minimum"?, "maximum"?, "choices"?, "summary"}`.
    public static func json(for parameter: ParameterSpec) -> JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(parameter.name),
            "kind": .string(kindName(parameter.kind)),
            "required": .bool(parameter.isRequired),
            "summary": .string(parameter.summary),
        ]
        if let value = parameter.defaultValue { fields["default"] = json(for: value) }
        switch parameter.kind {
        case .integer(let range?):
            if range.lowerBound != .min { fields["minimum"] = .number(Double(range.lowerBound)) }
            if range.upperBound != .max { fields["maximum"] = .number(Double(range.upperBound)) }
        case .number(let range?):
            if range.lowerBound.isFinite { fields["minimum"] = .number(range.lowerBound) }
            if range.upperBound.isFinite { fields["maximum"] = .number(range.upperBound) }
        case .choice(let options):
            fields["choices"] = .array(options.map { .string($0) })
        default: break
        }
        return .object(fields)
    }

    public static func json(for value: ParameterValue) -> JSONValue {
        switch value {
        case .integer(let number): return .number(Double(number))
        case .number(let number): return .number(number)
        case .boolean(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .stringList(let texts): return .array(texts.map { .string($0) })
        }
    }

    /// "integer", "number", "boolean", "string", "choice", "path", "string list".
    public static func kindName(_ kind: ParameterSpec.Kind) -> String {
        switch kind {
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .string: return "string"
        case .choice: return "choice"
        case .path: return "path"
        case .stringList: return "string list"
        }
    }

    /// The allowed values in words: "0...1", ">= 1", "composite-white | drop", or "" when any.
    public static func rangeText(_ kind: ParameterSpec.Kind) -> String {
        switch kind {
        case .integer(let range?):
            let text = ParameterResolver.rangeText(range)
            return text == "any integer" ? "" : text
        case .number(let range?):
            let text = ParameterResolver.rangeText(range)
            return text == "any number" ? "" : text
        case .choice(let options): return options.joined(separator: " | ")
        default: return ""
        }
    }
}
