import VisFiles
/// JSON text for the CLI's reports, written by hand so that keys keep the documented order.
enum JSONOutput {
    /// A JSON string literal.
    static func string(_ value: String) -> String { JSONStringLiteral.quoted(value) }

    /// A JSON number (shortest round-trip form); `null` for NaN and infinities, which JSON lacks.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// A JSON number for a float32 value, in float32's shortest round-trip form.
    static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
}
