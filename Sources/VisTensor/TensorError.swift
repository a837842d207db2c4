/// Errors raised by tensor operations. Messages name the operation and the shapes involved, so a
/// mismatch deep in a model reads like `conv2d: input [1, 3, 8, 8] has 3 channels, weight [16, 4, 3, 3] expects 4`.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Shapes (or a shape and a parameter) that an operation cannot combine.
    case shapeMismatch(op: String, detail: String)
    /// A parameter outside its valid range (stride 0, negative padding, unknown axis, …).
    case invalidArgument(op: String, detail: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let op, let detail): return "\(op): shape mismatch: \(detail)"
        case .invalidArgument(let op, let detail): return "\(op): invalid argument: \(detail)"
        }
    }
}
