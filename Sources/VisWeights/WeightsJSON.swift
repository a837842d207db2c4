import VisFiles

/// How VisWeights reads JSON (safetensors headers, checkpoint indexes): strictly, and with no
/// repeated key anywhere — the safetensors format disallows them, and two entries for one tensor
/// name would let two readers see two different tensors.
enum WeightsJSON {
    /// Safetensors headers nest three levels deep; anything past this is refused, not recursed into.
    static let maximumDepth = 64

    /// Parses `bytes` and refuses repeated keys. `subject` names the text in reasons ("header",
    /// "index"); `location` says where a position is in the way that suits the file.
    static func parse(_ bytes: [UInt8], file: String, subject: String,
                      location: (JSONPosition) -> String) throws(WeightsError) -> JSONNode {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes, maximumDepth: maximumDepth) } catch {
            throw .malformed(file: file, reason: "\(subject) is not valid JSON: \(error.message) at \(location(error.position))")
        }
        if let (first, repeated) = root.firstRepeatedKey() {
            throw .malformed(file: file, reason: "\(subject) has a duplicate key \(JSONStringLiteral.quoted(repeated.key)) at \(location(repeated.keyPosition)): expected each key once (first at \(location(first.keyPosition)))")
        }
        return root
    }
}

extension JSONNode {
    /// What kind of value this is, for error messages ("expected an integer, found a string").
    var kindDescription: String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number(let text): return "the number \(text)"
        case .bool(let value): return "the boolean \(value)"
        case .null: return "null"
        }
    }

    /// The value as a non-negative `Int` when it is an integer literal in range: no sign, no
    /// fraction, no exponent — the same integers the reference reader accepts for sizes.
    var nonNegativeInteger: Int? {
        guard case .number(let text) = kind, !text.hasPrefix("-") else { return nil }
        return integerValue
    }
}
