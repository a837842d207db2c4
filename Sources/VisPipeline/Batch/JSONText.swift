import VisFiles
/// Builds compact JSON text with keys in the order written (results lines read best with `path`
/// first) and numbers in their shortest round-trip form. Non-finite numbers become `null`.
public struct JSONText: Sendable {
    public private(set) var text = ""
    private var needsComma: [Bool] = [false]

    public init() {}

    public mutating func beginObject() { separate(); text += "{"; needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); text += "}" }
    public mutating func beginArray() { separate(); text += "["; needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); text += "]" }

    /// Writes `"key":`; the next value written belongs to it.
    public mutating func key(_ name: String) {
        separate()
        text += Self.quoted(name) + ":"
        needsComma[needsComma.count - 1] = false
    }

    public mutating func string(_ value: String) { separate(); text += Self.quoted(value) }
    public mutating func number(_ value: Double) { separate(); text += Self.format(value) }
    public mutating func number(_ value: Float) { separate(); text += value.isFinite ? Self.trimmed(value.description) : "null" }
    public mutating func integer(_ value: Int) { separate(); text += String(value) }
    public mutating func bool(_ value: Bool) { separate(); text += value ? "true" : "false" }
    public mutating func null() { separate(); text += "null" }
    /// Inserts already-encoded JSON.
    public mutating func raw(_ json: String) { separate(); text += json }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return trimmed(value.description)
    }

    /// Swift prints `1e-05`; JSON accepts that, but `5.0` reads better as `5`.
    private static func trimmed(_ text: String) -> String {
        text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    static func quoted(_ value: String) -> String { JSONStringLiteral.quoted(value) }
}
