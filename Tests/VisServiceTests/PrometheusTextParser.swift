/// A strict little reader of the Prometheus text format, enough to check `/metrics`: `# HELP` and
/// `# TYPE` lines, and samples `name{label="value",...} number`.
struct PrometheusTextParser {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var reason: String
        var description: String { "line \(line): \(reason): \(text)" }
    }

    private(set) var types: [String: String] = [:]
    private(set) var helps: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(_ text: String) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard words.count >= 3 else { throw Failure(line: number, text: String(line), reason: "short comment") }
                switch words[1] {
                case "TYPE":
                    guard words.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(words[3]) else {
                        throw Failure(line: number, text: String(line), reason: "bad TYPE")
                    }
                    guard types[words[2]] == nil else { throw Failure(line: number, text: String(line), reason: "second TYPE") }
                    types[words[2]] = words[3]
                case "HELP": helps[words[2]] = words.count == 4 ? words[3] : ""
                default: break
                }
                continue
            }
            samples.append(try Self.sample(String(line), number: number))
        }
    }

    private static func sample(_ line: String, number: Int) throws -> Sample {
        func fail(_ reason: String) -> Failure { Failure(line: number, text: line, reason: reason) }
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else { throw fail("bad metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !key.isEmpty else { throw fail("bad label name") }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { throw fail("expected =\" after label") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw fail("dangling escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw fail("bad escape")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw fail("unterminated label value") }
                rest = rest.dropFirst()
                guard labels.updateValue(value, forKey: String(key)) == nil else { throw fail("repeated label") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw fail("expected a space before the value") }
        let valueText = rest.dropFirst()
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText) else { throw fail("bad value") }
            value = parsed
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    /// The value of the sample named `name` with exactly `labels`, if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The metric family a sample belongs to (histogram samples carry `_bucket`/`_sum`/`_count`).
    func family(of sample: Sample) -> String? {
        if types[sample.name] != nil { return sample.name }
        for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
            let base = String(sample.name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return nil
    }
}
