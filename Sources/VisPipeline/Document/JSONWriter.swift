import VisFiles
/// Writes `JSONValue`s as text: the canonical form that pipeline hashes are computed over, and an
/// indented form for files people read (the JSON Schema, `vispipe stages --json`). Both sort
/// object keys, so equal values always give equal text.
public enum JSONWriter {
    /// Sorted keys, no whitespace, integers without a fraction, shortest round-trip doubles.
    public static func canonical(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text, indent: nil, level: 0)
        return text
    }

    /// Sorted keys, two-space indentation, a trailing newline.
    public static func pretty(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text, indent: "  ", level: 0)
        return text + "\n"
    }

    private static func write(_ value: JSONValue, into text: inout String, indent: String?, level: Int) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number): text += numberText(number)
        case .string(let string): text += quoted(string)
        case .array(let items):
            if items.isEmpty { text += "[]"; return }
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                newline(&text, indent: indent, level: level + 1)
                write(item, into: &text, indent: indent, level: level + 1)
            }
            newline(&text, indent: indent, level: level)
            text += "]"
        case .object(let members):
            if members.isEmpty { text += "{}"; return }
            text += "{"
            // Sorted by Unicode scalars, so the order does not depend on the locale.
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (index, key) in keys.enumerated() {
                if index > 0 { text += "," }
                newline(&text, indent: indent, level: level + 1)
                text += quoted(key) + (indent == nil ? ":" : ": ")
                write(members[key]!, into: &text, indent: indent, level: level + 1)
            }
            newline(&text, indent: indent, level: level)
            text += "}"
        }
    }

    private static func newline(_ text: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        text += "\n" + String(repeating: indent, count: level)
    }

    /// Integral values below 2^53 print as integers (`1`, not `1.0`); others in Swift's shortest
    /// round-trip form, which is valid JSON for finite values.
    public static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped).
    public static func quoted(_ value: String) -> String { JSONStringLiteral.quoted(value) }
}
