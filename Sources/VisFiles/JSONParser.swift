/// A strict JSON (RFC 8259) reader for untrusted text: safetensors headers, checkpoint indexes and
/// pipeline files.
///
/// Hand-written rather than `JSONSerialization` so that every node knows its byte offset, line and
/// column, repeated object keys survive parsing (callers refuse or report them), numbers keep
/// their literal text, and a syntax error says what was expected where. Strings must be valid
/// UTF-8 with well-formed escapes and paired surrogates. Nesting is capped by the caller's
/// `maximumDepth` so that hostile input cannot overflow the stack.
public struct JSONParser {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var offset = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes; self.maximumDepth = maximumDepth
    }

    /// Parses one JSON value that makes up the whole of `bytes` (surrounding whitespace allowed).
    /// More than `maximumDepth` arrays and objects nested inside one another is an error.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let node = try parser.parseValue()
        parser.skipWhitespace()
        if parser.offset < parser.bytes.count {
            throw parser.error("expected the end of the text after the top-level value, found \(parser.describeCurrent())")
        }
        return node
    }

    /// Parses `text` as `parse(_:maximumDepth:)` parses its UTF-8 bytes.
    public static func parse(_ text: String, maximumDepth: Int) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        guard let byte = current else { throw error("expected a value, found the end of the text") }
        let kind: JSONNode.Kind
        switch byte {
        case UInt8(ascii: "{"): kind = try parseObject()
        case UInt8(ascii: "["): kind = try parseArray()
        case UInt8(ascii: "\""): kind = .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); kind = .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); kind = .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): kind = .number(try parseNumber())
        default: throw error("expected a value, found \(describeCurrent())")
        }
        return JSONNode(kind, position: start)
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONNode.Kind {
        try enterContainer()
        advance() // {
        var members: [JSONMember] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { advance(); depth -= 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error("expected a string key in an object, found \(describeCurrent())")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \(JSONStringLiteral.quoted(key)), found \(describeCurrent())")
            }
            advance()
            skipWhitespace()
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: try parseValue()))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"): advance(); depth -= 1; return .object(members)
            default: throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONNode.Kind {
        try enterContainer()
        advance() // [
        var items: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { advance(); depth -= 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"): advance(); depth -= 1; return .array(items)
            default: throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
            }
        }
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        if depth > maximumDepth {
            throw error("expected at most \(maximumDepth) nested arrays and objects, found nesting deeper than \(maximumDepth) levels")
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        advance() // opening quote
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw error("expected '\"' to close the string, found the end of the text") }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: utf8, as: UTF8.self) // validated byte by byte below
            case UInt8(ascii: "\\"):
                advance()
                utf8.append(contentsOf: String(try parseEscape()).utf8)
            case 0..<0x20:
                throw error("expected a character in the string, found the control character U+\(hex4(UInt32(byte))) (write it escaped)")
            case 0x80...:
                guard let length = validUTF8SequenceLength() else {
                    throw error("expected UTF-8 text in the string, found the byte 0x\(hex2(byte)), which does not start a valid UTF-8 character")
                }
                utf8.append(contentsOf: bytes[offset..<(offset + length)])
                for _ in 0..<length { advance() }
            default:
                utf8.append(byte)
                advance()
            }
        }
    }

    /// The length of the well-formed UTF-8 character at the current byte (no overlong forms, no
    /// surrogates, nothing past U+10FFFF), `nil` when the bytes there are not one.
    private func validUTF8SequenceLength() -> Int? {
        guard let lead = current else { return nil }
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return nil
        }
        guard offset + length <= bytes.count, String(validating: bytes[offset..<(offset + length)], as: UTF8.self) != nil else { return nil }
        return length
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw error("expected an escape character after '\\', found the end of the text") }
        let escapePosition = position
        advance()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            if (0xD800..<0xDC00).contains(first) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard current == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                    throw error("expected a \\u low surrogate after \\u\(hex4(first))")
                }
                advance(); advance()
                let second = try parseHex4()
                guard (0xDC00..<0xE000).contains(second) else {
                    throw error("expected a low surrogate (DC00-DFFF) after \\u\(hex4(first)), found \\u\(hex4(second))")
                }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw error("expected a high surrogate (D800-DBFF) before \\u\(hex4(first)), found an unpaired low surrogate")
            }
            return scalar
        default:
            throw JSONSyntaxError(position: escapePosition, message: "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u after '\\', found \(describe(at: escapePosition.offset))")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigitValue(byte) else {
                throw error("expected 4 hexadecimal digits after \\u, found \(describeCurrent())")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    /// Checks the number grammar and returns the literal text; reading it is up to the caller.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = offset
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, isDigit(first) else { throw error("expected a digit, found \(describeCurrent())") }
        let firstPosition = position
        advance()
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
            throw JSONSyntaxError(position: firstPosition, message: "expected no leading zeros in a number, found '0\(Character(Unicode.Scalar(next)))'")
        }
        while let byte = current, isDigit(byte) { advance() }
        if current == UInt8(ascii: ".") {
            advance()
            guard let byte = current, isDigit(byte) else { throw error("expected a digit after '.', found \(describeCurrent())") }
            while let byte = current, isDigit(byte) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let byte = current, isDigit(byte) else { throw error("expected a digit in the exponent, found \(describeCurrent())") }
            while let byte = current, isDigit(byte) { advance() }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes[offset...].starts(with: expected) else { throw error("expected a value, found \(describeCurrent())") }
        for _ in expected { advance() }
    }

    // MARK: Characters

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private var position: JSONPosition { JSONPosition(offset: offset, line: line, column: column) }

    private func peek(_ distance: Int) -> UInt8? { offset + distance < bytes.count ? bytes[offset + distance] : nil }

    private mutating func advance() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") { line += 1; column = 1 }
        else if byte & 0xC0 != 0x80 { column += 1 } // count characters, not UTF-8 continuation bytes
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func hex2(_ byte: UInt8) -> String {
        (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    /// The character at the current position for messages: `'x'`, or "the end of the text".
    private func describeCurrent() -> String { describe(at: offset) }

    private func describe(at index: Int) -> String {
        guard index < bytes.count else { return "the end of the text" }
        let byte = bytes[index]
        switch byte {
        case 0x0A: return "a line break"
        case 0x09: return "a tab"
        case 0x0D: return "a carriage return"
        case 0..<0x20, 0x7F: return "the control character U+\(hex4(UInt32(byte)))"
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            // Show a whole non-ASCII character when the bytes form one, else the raw byte.
            var end = index + 1
            while end < bytes.count, end - index < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
            if let character = String(validating: bytes[index..<end], as: UTF8.self), character.unicodeScalars.count == 1 {
                return "'\(character)'"
            }
            return "the byte 0x\(hex2(byte))"
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }
}
