/// JSON text for the CLI's reports, written by hand so that keys keep the documented order.
enum JSONOutput {
    /// A JSON string literal.
    static func string(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A JSON number (shortest round-trip form); `null` for NaN and infinities, which JSON lacks.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// A JSON number for a float32 value, in float32's shortest round-trip form.
    static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
}
