import VisTensor
import VisWeights

/// Everything that can keep a model from loading or running. Each case names what the user has
/// to look at: the file, the JSON key (as a dotted path such as `backbone_config.layer_type`), the
/// model directory, or the operation and shapes.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A configuration file that cannot be read or is not valid JSON.
    case unreadableConfig(file: String, reason: String)
    /// A configuration key whose value is missing, of the wrong type, out of range or not supported.
    /// `key` is the JSON path, `expected` says what would be accepted, `found` what the file holds.
    case invalidConfigValue(file: String, key: String, expected: String, found: String)
    /// The checkpoint files themselves could not be read (wraps the safetensors error).
    case weights(directory: String, WeightsError)
    /// The checkpoint's tensors do not match the model the configuration describes: every missing,
    /// unexpected and mismatched tensor is listed.
    case weightMismatch(directory: String, WeightVerificationError)
    /// Input tensors the model cannot take (wrong rank, channels, mask shape, ...).
    case invalidInput(operation: String, detail: String)
    /// A tensor operation failed inside the model (a shape the configuration allowed but an operation
    /// refused); `stage` says where.
    case computation(stage: String, TensorError)

    public var description: String {
        switch self {
        case .unreadableConfig(let file, let reason):
            return "\(file): cannot read the configuration: \(reason)"
        case .invalidConfigValue(let file, let key, let expected, let found):
            return "\(file): '\(key)' is \(found); expected \(expected)"
        case .weights(let directory, let error):
            return "\(directory): cannot read the weights: \(error)"
        case .weightMismatch(let directory, let error):
            return "\(directory): \(error)"
        case .invalidInput(let operation, let detail):
            return "\(operation): invalid input: \(detail)"
        case .computation(let stage, let error):
            return "\(stage): \(error)"
        }
    }
}
