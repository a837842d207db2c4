import VisImage

/// Colours written as `#rrggbb` in stage parameters (case-insensitive, the `#` optional).
enum HexColor {
    /// The colour `text` names, or `nil` when it is not six hexadecimal digits.
    static func parse(_ text: String) -> RGBColor? {
        let digits = text.hasPrefix("#") ? text.dropFirst() : Substring(text)
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
        return RGBColor(UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff))
    }

    /// Reads colour parameter `name`, with an error naming it when the text is malformed.
    static func parameter(_ name: String, from reader: ParameterReader) throws(BuiltinStageError) -> RGBColor {
        let text = try reader.string(name)
        guard let color = parse(text) else {
            throw .invalidParameter(name: name, expected: "a colour \"#rrggbb\"", found: "\"\(text)\"")
        }
        return color
    }
}
