import Foundation

/// Checks one stage's `params` against its type's declared parameters and produces the resolved
/// `StageParameters`: every declared parameter present (explicit value or default), values of the
/// declared kind and within range, relative paths made absolute against the pipeline's folder.
enum ParameterResolver {
    /// Resolves `params` of the stage at `stagePath`; problems are appended to `issues`. The result
    /// holds every parameter that resolved (it is only used when there were no errors).
    static func resolve(_ params: [String: JSONValue], of descriptor: StageDescriptor, stageName: String,
                        stagePath: String, paramsReadable: Bool, baseDirectory: String,
                        issues: inout [ValidationIssue]) -> StageParameters {
        var values: [String: ParameterValue] = [:]
        let paramsPath = stagePath + ".params"
        let declared = descriptor.parameters.map(\.name)
        for name in params.keys.sorted() where descriptor.parameter(named: name) == nil {
            let path = paramsPath + pathSuffix(name)
            issues.append(.error(path, "unknown parameter \"\(name)\" for stage type \"\(descriptor.type)\": expected one of \(declared.isEmpty ? "(none)" : declared.joined(separator: ", "))" + NameSuggestion.hint(for: name, among: declared)))
        }
        for spec in descriptor.parameters {
            let path = paramsPath + pathSuffix(spec.name)
            guard let raw = params[spec.name] else {
                if let defaultValue = spec.defaultValue { values[spec.name] = defaultValue }
                else if paramsReadable {
                    issues.append(.error(path, "missing required parameter \"\(spec.name)\" of stage \"\(stageName)\" (type \(descriptor.type)): expected \(expectation(for: spec.kind))"))
                }
                continue
            }
            switch check(raw, against: spec.kind, baseDirectory: baseDirectory) {
            case .success(let value): values[spec.name] = value
            case .failure(let problem): issues.append(.error(path, problem.message))
            }
        }
        return StageParameters(values)
    }

    /// `.name` or `["odd name"]`.
    private static func pathSuffix(_ key: String) -> String {
        let text = JSONPath.root.key(key).description
        return text.hasPrefix("[") ? text : "." + text
    }

    struct Problem: Error { var message: String }

    /// One value against one parameter kind.
    static func check(_ raw: JSONValue, against kind: ParameterSpec.Kind, baseDirectory: String) -> Result<ParameterValue, Problem> {
        let found = PipelineDocumentReader.describe(raw)
        func mismatch() -> Result<ParameterValue, Problem> { .failure(Problem(message: "expected \(expectation(for: kind)), found \(found)")) }
        switch kind {
        case .integer(let range):
            guard case .number(let number) = raw else { return mismatch() }
            guard number == number.rounded(), abs(number) < 9_007_199_254_740_992 else {
                return .failure(Problem(message: "expected an integer, found \(found)"))
            }
            let value = Int(number)
            if let range, !range.contains(value) {
                return .failure(Problem(message: "out of range: expected an integer\(rangePhrase(rangeText(range))), found \(value)"))
            }
            return .success(.integer(value))
        case .number(let range):
            guard case .number(let value) = raw else { return mismatch() }
            if let range, !range.contains(value) {
                return .failure(Problem(message: "out of range: expected a number\(rangePhrase(rangeText(range))), found \(JSONWriter.numberText(value))"))
            }
            return .success(.number(value))
        case .boolean:
            guard case .bool(let value) = raw else { return mismatch() }
            return .success(.boolean(value))
        case .string:
            guard case .string(let value) = raw else { return mismatch() }
            return .success(.string(value))
        case .choice(let options):
            guard case .string(let value) = raw else { return mismatch() }
            guard options.contains(value) else {
                return .failure(Problem(message: "expected one of \(options.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(value)\"" + NameSuggestion.hint(for: value, among: options)))
            }
            return .success(.string(value))
        case .path:
            guard case .string(let value) = raw else { return mismatch() }
            guard !value.isEmpty else { return .failure(Problem(message: "expected a non-empty path, found an empty string")) }
            return .success(.string(resolvePath(value, against: baseDirectory)))
        case .stringList:
            guard case .array(let items) = raw else { return mismatch() }
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    return .failure(Problem(message: "expected an array of strings, found \(PipelineDocumentReader.describe(item)) at index \(index)"))
                }
                strings.append(text)
            }
            return .success(.stringList(strings))
        }
    }

    /// An absolute, standardized path: `~` expanded, relative paths joined to `baseDirectory`.
    static func resolvePath(_ path: String, against baseDirectory: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((baseDirectory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }

    /// What a kind accepts, for messages: "a number in 0...1", "a path (string)".
    static func expectation(for kind: ParameterSpec.Kind) -> String {
        switch kind {
        case .integer(let range): return range.map { "an integer\(rangePhrase(rangeText($0)))" } ?? "an integer"
        case .number(let range): return range.map { "a number\(rangePhrase(rangeText($0)))" } ?? "a number"
        case .boolean: return "a boolean"
        case .string: return "a string"
        case .choice(let options): return "one of \(options.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .path: return "a path (string)"
        case .stringList: return "an array of strings"
        }
    }

    /// " in 0...1", " >= 1", or "" for an unbounded range.
    static func rangePhrase(_ text: String) -> String {
        if text.hasPrefix("any") { return "" }
        return text.hasPrefix(">") || text.hasPrefix("<") ? " \(text)" : " in \(text)"
    }

    /// `0...1`; open-ended ranges (up to `Int.max`, or infinite) as `>= 1`.
    static func rangeText(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == .max { return range.lowerBound == .min ? "any integer" : ">= \(range.lowerBound)" }
        if range.lowerBound == .min { return "<= \(range.upperBound)" }
        return "\(range.lowerBound)...\(range.upperBound)"
    }

    static func rangeText(_ range: ClosedRange<Double>) -> String {
        let lower = range.lowerBound.isFinite, upper = range.upperBound.isFinite
        switch (lower, upper) {
        case (true, true): return "\(JSONWriter.numberText(range.lowerBound))...\(JSONWriter.numberText(range.upperBound))"
        case (true, false): return ">= \(JSONWriter.numberText(range.lowerBound))"
        case (false, true): return "<= \(JSONWriter.numberText(range.upperBound))"
        case (false, false): return "any number"
        }
    }
}
