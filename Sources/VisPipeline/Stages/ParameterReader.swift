/// Reads a stage's parameters against its descriptor: a value the caller left out falls back to
/// the declared default, so stages behave the same whether validation filled the defaults in or a
/// test built `StageParameters` by hand. A missing required parameter or a value of the wrong kind
/// is an error naming the parameter.
struct ParameterReader {
    let descriptor: StageDescriptor
    let parameters: StageParameters

    init(_ parameters: StageParameters, for descriptor: StageDescriptor) {
        self.descriptor = descriptor
        self.parameters = parameters
    }

    private func value(_ name: String) throws(BuiltinStageError) -> ParameterValue {
        if let value = parameters.values[name] { return value }
        guard let spec = descriptor.parameter(named: name) else {
            preconditionFailure("\(descriptor.type) reads undeclared parameter '\(name)'")
        }
        guard let defaultValue = spec.defaultValue else {
            throw .invalidParameter(name: name, expected: "a value (the parameter is required)", found: "missing")
        }
        return defaultValue
    }

    func integer(_ name: String) throws(BuiltinStageError) -> Int {
        let found = try value(name)
        guard case .integer(let result) = found else { throw .invalidParameter(name: name, expected: "an integer", found: found.description) }
        return try checked(name, result)
    }

    func number(_ name: String) throws(BuiltinStageError) -> Double {
        let found = try value(name)
        switch found {
        case .number(let result): return try checked(name, result)
        case .integer(let result): return try checked(name, Double(result))
        default: throw .invalidParameter(name: name, expected: "a number", found: found.description)
        }
    }

    func boolean(_ name: String) throws(BuiltinStageError) -> Bool {
        let found = try value(name)
        guard case .boolean(let result) = found else { throw .invalidParameter(name: name, expected: "a boolean", found: found.description) }
        return result
    }

    /// A string, path or choice parameter. Choices are checked against the declared options.
    func string(_ name: String) throws(BuiltinStageError) -> String {
        let found = try value(name)
        guard case .string(let result) = found else { throw .invalidParameter(name: name, expected: "a string", found: found.description) }
        if case .choice(let options)? = descriptor.parameter(named: name)?.kind, !options.contains(result) {
            throw .invalidParameter(name: name, expected: "one of " + options.map { "\"\($0)\"" }.joined(separator: ", "),
                                    found: found.description)
        }
        return result
    }

    func stringList(_ name: String) throws(BuiltinStageError) -> [String] {
        let found = try value(name)
        guard case .stringList(let result) = found else {
            throw .invalidParameter(name: name, expected: "a list of strings", found: found.description)
        }
        return result
    }

    /// Range checks repeated here so an out-of-range value never reaches arithmetic that assumes it.
    private func checked(_ name: String, _ value: Int) throws(BuiltinStageError) -> Int {
        if case .integer(let range?)? = descriptor.parameter(named: name)?.kind, !range.contains(value) {
            throw .invalidParameter(name: name, expected: "an integer in \(Self.describe(range))", found: String(value))
        }
        return value
    }

    private func checked(_ name: String, _ value: Double) throws(BuiltinStageError) -> Double {
        if case .number(let range?)? = descriptor.parameter(named: name)?.kind, !range.contains(value) {
            throw .invalidParameter(name: name, expected: "a number in \(range.lowerBound)...\(range.upperBound)", found: String(value))
        }
        guard value.isFinite else { throw .invalidParameter(name: name, expected: "a finite number", found: String(value)) }
        return value
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound)..." : "\(range.lowerBound)...\(range.upperBound)"
    }
}
