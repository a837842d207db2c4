/// Errors raised by image operations (resizing, overlays). Messages name the operation and the
/// sizes involved, e.g. `resize: target size 0x480 must be at least 1x1 (source 640x480)`.
public enum ImageOperationError: Error, Equatable, CustomStringConvertible {
    /// A requested size (or a size derived from the inputs) that the operation cannot produce.
    case invalidSize(op: String, detail: String)
    /// Inputs whose shapes do not fit together (a mask or map that does not match the image).
    case shapeMismatch(op: String, detail: String)
    /// A parameter outside its valid range (alpha outside 0...1, min >= max, …).
    case invalidArgument(op: String, detail: String)

    public var description: String {
        switch self {
        case .invalidSize(let op, let detail): return "\(op): invalid size: \(detail)"
        case .shapeMismatch(let op, let detail): return "\(op): shape mismatch: \(detail)"
        case .invalidArgument(let op, let detail): return "\(op): invalid argument: \(detail)"
        }
    }
}
