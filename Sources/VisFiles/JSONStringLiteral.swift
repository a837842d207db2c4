/// JSON string literals for the hand-written JSON that vispipe emits (safetensors headers, results
/// lines, reports), where key order and byte-exact output matter more than a generic encoder.
public enum JSONStringLiteral {
    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped
    /// (`\b \f \n \r \t` by name, others as `\u00XX`), everything else, non-ASCII included, written
    /// as UTF-8 — the escaping Python's and Rust's JSON writers use, so safetensors headers come out
    /// byte-identical to the reference library's.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
