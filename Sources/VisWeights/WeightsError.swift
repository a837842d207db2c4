/// Errors from reading, writing and verifying checkpoints. Each names the file and, where it
/// applies, the tensor.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The file is not a well-formed safetensors file (or index); `reason` says what is wrong.
    case malformed(file: String, reason: String)
    /// The file could not be opened, mapped or written.
    case io(file: String, reason: String)
    /// No tensor of this name in the checkpoint.
    case missingTensor(name: String, file: String)
    /// The tensor's stored dtype cannot be read as the requested type.
    case unsupportedDType(name: String, dtype: String, file: String)

    public var description: String {
        switch self {
        case .malformed(let file, let reason): return "\(file): malformed safetensors: \(reason)"
        case .io(let file, let reason): return "\(file): \(reason)"
        case .missingTensor(let name, let file): return "\(file): no tensor named '\(name)'"
        case .unsupportedDType(let name, let dtype, let file):
            return "\(file): tensor '\(name)' has dtype \(dtype), which cannot be read as float32"
        }
    }
}
