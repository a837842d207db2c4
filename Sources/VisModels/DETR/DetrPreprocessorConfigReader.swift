import Foundation
import VisImage

/// A JSON value that keeps booleans, integers and other numbers apart (`"size": 800` is an
/// integer rule, `"do_pad": true` a flag), which `JSONSerialization`'s `NSNumber` blurs.
enum PreprocessorJSONValue: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([PreprocessorJSONValue])
    case object([String: PreprocessorJSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PreprocessorJSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: PreprocessorJSONValue].self)) }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { "\"\($0)\": \(members[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// The value as a number (integers included).
    var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }
}

/// The keys of a `preprocessor_config.json` that DETR preprocessing uses, read with
/// transformers' defaults and checks. `null` counts as absent, as in transformers.
struct DetrPreprocessorConfigReader {
    let path: String
    private let members: [String: PreprocessorJSONValue]

    init(path: String) throws(ModelError) {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableConfig(file: path, reason: error.localizedDescription)
        }
        let value: PreprocessorJSONValue
        do { value = try JSONDecoder().decode(PreprocessorJSONValue.self, from: data) } catch {
            throw .unreadableConfig(file: path, reason: "invalid JSON (\(error))")
        }
        guard case .object(let members) = value else {
            throw .unreadableConfig(file: path, reason: "the top level is not a JSON object")
        }
        self.members = members.filter { $0.value != .null }
    }

    private func unsupported(_ key: String, expected: String, _ found: PreprocessorJSONValue) -> ModelError {
        .invalidConfigValue(file: path, key: key, expected: expected, found: found.description)
    }

    func flag(_ key: String) throws(ModelError) -> Bool? {
        guard let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw unsupported(key, expected: "true or false", value) }
        return flag
    }

    func positiveNumber(_ key: String) throws(ModelError) -> Double? {
        guard let value = members[key] else { return nil }
        guard let number = value.double, number > 0, number.isFinite else { throw unsupported(key, expected: "a positive number", value) }
        return number
    }

    /// A per-channel list of 3 numbers, or one number for all channels.
    func channelValues(_ key: String, positive: Bool) throws(ModelError) -> [Double]? {
        guard let value = members[key] else { return nil }
        let numbers: [Double]?
        switch value {
        case .array(let items): numbers = items.count == 3 ? items.compactMap(\.double) : nil
        default: numbers = value.double.map { [$0, $0, $0] }
        }
        guard let numbers, numbers.count == 3, numbers.allSatisfy({ $0.isFinite && (!positive || $0 > 0) }) else {
            throw unsupported(key, expected: "3 \(positive ? "positive " : "")numbers (one per RGB channel) or one number", value)
        }
        return numbers
    }

    /// Pillow's filter numbers; DETR uses 2 (BILINEAR).
    func resample() throws(ModelError) -> ResampleFilter? {
        guard let value = members["resample"] else { return nil }
        switch value {
        case .integer(2): return .bilinear
        case .integer(0): return .nearest
        default: throw unsupported("resample", expected: "2 (Pillow BILINEAR) or 0 (NEAREST)", value)
        }
    }

    /// `size` (with the legacy `max_size`), as transformers' DETR processor reads it: an integer is
    /// the shortest edge (longest edge `max_size`, default 1333), a pair `[h, w]` an exact size,
    /// a dictionary one of the three forms DETR can resize with.
    func resizeRule() throws(ModelError) -> DetrResizeRule? {
        guard let value = members["size"] else { return nil }  // transformers then ignores max_size too
        switch value {
        case .integer(let shortest) where shortest > 0:
            guard let maxValue = members["max_size"] else { return .shortestEdge(shortest, longestEdge: 1333) }
            guard case .integer(let longest) = maxValue, longest > 0 else {
                throw unsupported("max_size", expected: "a positive integer", maxValue)
            }
            return .shortestEdge(shortest, longestEdge: longest)
        case .array(let items):
            guard items.count == 2, case .integer(let height) = items[0], case .integer(let width) = items[1],
                  height > 0, width > 0 else { break }
            return .exact(height: height, width: width)
        case .object(let entries):
            return try sizeDictionaryRule(entries.filter { $0.value != .null }, key: "size")
        default: break
        }
        throw unsupported("size", expected: "a positive integer, [height, width], or a dictionary", value)
    }

    private func sizeDictionaryRule(_ entries: [String: PreprocessorJSONValue], key: String) throws(ModelError) -> DetrResizeRule {
        var sides: [String: Int] = [:]
        for (name, value) in entries {
            guard case .integer(let side) = value, side > 0 else {
                throw unsupported("\(key).\(name)", expected: "a positive integer", value)
            }
            sides[name] = side
        }
        switch Set(sides.keys) {
        case ["shortest_edge", "longest_edge"]:
            return .shortestEdge(sides["shortest_edge"]!, longestEdge: sides["longest_edge"]!)
        case ["height", "width"]:
            return .exact(height: sides["height"]!, width: sides["width"]!)
        case ["max_height", "max_width"]:
            return .fit(maxHeight: sides["max_height"]!, maxWidth: sides["max_width"]!)
        default:
            throw unsupported(key, expected: "one of {shortest_edge, longest_edge}, {height, width} or "
                              + "{max_height, max_width} (the forms DETR resizes with)", .object(entries))
        }
    }

    /// `pad_size`: `{height, width}`.
    func padSize() throws(ModelError) -> (height: Int, width: Int)? {
        guard let value = members["pad_size"] else { return nil }
        guard case .object(let entries) = value, Set(entries.keys) == ["height", "width"],
              case .integer(let height) = entries["height"]!, case .integer(let width) = entries["width"]!,
              height > 0, width > 0 else {
            throw unsupported("pad_size", expected: "{\"height\": h, \"width\": w} with positive integers", value)
        }
        return (height, width)
    }
}

extension DetrImageProcessor {
    /// Overrides the defaults with every key `config` sets.
    mutating func apply(_ config: DetrPreprocessorConfigReader) throws(ModelError) {
        if let value = try config.flag("do_resize") { doResize = value }
        if let value = try config.resizeRule() { resizeRule = value }
        if let value = try config.resample() { resample = value }
        if let value = try config.flag("do_rescale") { doRescale = value }
        if let value = try config.positiveNumber("rescale_factor") { rescaleFactor = value }
        if let value = try config.flag("do_normalize") { doNormalize = value }
        if let value = try config.channelValues("image_mean", positive: false) { imageMean = value }
        if let value = try config.channelValues("image_std", positive: true) { imageStd = value }
        if let value = try config.flag("do_pad") { doPad = value }
        if let value = try config.padSize() { padSize = value }
    }
}
