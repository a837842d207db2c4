/// Errors from reading, writing and assembling checkpoints. Each names the file and, where it
/// applies, the tensor. (Verifying a model's parameters against a checkpoint reports a
/// `WeightVerificationError` instead, which lists every problem at once.)
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The file is not a well-formed safetensors file (or index); `reason` says what is wrong.
    case malformed(file: String, reason: String)
    /// The file could not be opened, mapped or written.
    case io(file: String, reason: String)
    /// No tensor of this name in the checkpoint.
    case missingTensor(name: String, file: String)
    /// The tensor's stored dtype cannot be read by the accessor that was called.
    case unsupportedDType(name: String, dtype: String, file: String)
    /// A sharded checkpoint whose index and shard files disagree; `problems` lists every
    /// disagreement found (missing shard files, tensors in the wrong shard or in two shards, …).
    case inconsistentCheckpoint(index: String, problems: [String])
    /// A caller-supplied value that cannot be written or applied (duplicate tensor name, byte
    /// count not matching the shape, a split that does not divide evenly, …).
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let file, let reason): return "\(file): malformed safetensors: \(reason)"
        case .io(let file, let reason): return "\(file): \(reason)"
        case .missingTensor(let name, let file): return "\(file): no tensor named '\(name)'"
        case .unsupportedDType(let name, let dtype, let file):
            let hint: String
            switch dtype {
            case "F32", "F16", "BF16": hint = "read it with tensor(_:)"
            case "I64": hint = "read it with int64s(_:)"
            case "U8": hint = "read it with uint8s(_:)"
            default: hint = "only its raw bytes can be read (rawBytes(_:))"
            }
            return "\(file): tensor '\(name)' has dtype \(dtype), which this accessor cannot read; \(hint)"
        case .inconsistentCheckpoint(let index, let problems):
            return "\(index): index and shard files disagree (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .invalidArgument(let operation, let reason): return "\(operation): \(reason)"
        }
    }
}
