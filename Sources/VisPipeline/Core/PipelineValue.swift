import VisImage
import VisModels
import VisTensor

/// A decoded image together with where it came from (used for outputs mirroring the input tree).
public struct ImageValue: Sendable {
    public var image: RGBImage
    /// The file it was decoded from, relative to its input root (`nil` for in-memory images).
    public var relativePath: String?

    public init(image: RGBImage, relativePath: String? = nil) {
        self.image = image
        self.relativePath = relativePath
    }
}

/// A per-pixel map: a binary mask or a heat map, row-major `[height, width]`.
public struct MaskValue: Sendable {
    public enum Kind: String, Sendable, Codable { case binary, heatMap }
    public var kind: Kind
    public var width: Int
    public var height: Int
    public var values: [Float]

    public init(kind: Kind, width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "MaskValue: \(values.count) values for \(width)x\(height)")
        self.kind = kind; self.width = width; self.height = height; self.values = values
    }
}

/// A token sequence: ids and, where known, their text.
public struct TokenSequence: Sendable {
    public var ids: [Int]
    public var strings: [String]?
    public init(ids: [Int], strings: [String]? = nil) { self.ids = ids; self.strings = strings }
}

/// One fixation of a scanpath: which object (index into the detections) and where, in pixels.
public struct Fixation: Sendable, Codable, Equatable {
    public var objectIndex: Int
    public var x: Float
    public var y: Float
    public init(objectIndex: Int, x: Float, y: Float) { self.objectIndex = objectIndex; self.x = x; self.y = y }
}

/// A scalar in a record.
public enum RecordValue: Sendable, Equatable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

/// A value on a port. Its case always corresponds to one `PortType`.
public enum PipelineValue: Sendable {
    case image(ImageValue)
    case tensor(Tensor)
    case detections([Detection])
    case mask(MaskValue)
    case text(String)
    case embedding([Float])
    case tokens(TokenSequence)
    case scanpath([Fixation])
    case record([String: RecordValue])

    public var type: PortType {
        switch self {
        case .image: return .image
        case .tensor: return .tensor
        case .detections: return .detections
        case .mask: return .mask
        case .text: return .text
        case .embedding: return .embedding
        case .tokens: return .tokens
        case .scanpath: return .scanpath
        case .record: return .record
        }
    }
}
