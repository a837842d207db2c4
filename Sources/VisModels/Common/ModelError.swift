import VisImage
import VisTensor
import VisWeights

/// Everything that can keep a model from loading or running, and the steps around it (checkpoint
/// layouts, preprocessing configuration, images, post-processing). Each case names what the user
/// has to look at: the file, the JSON key (as a dotted path such as `backbone_config.layer_type`),
/// the model directory, the image, or the operation and shapes.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A configuration file (`config.json`, `preprocessor_config.json`, …) that cannot be read, is
    /// not valid JSON or not a JSON object.
    case unreadableConfig(file: String, reason: String)
    /// A configuration key whose value is missing, of the wrong type, out of range or not supported.
    /// `key` is the JSON path, `expected` says what would be accepted, `found` what the file holds.
    case invalidConfigValue(file: String, key: String, expected: String, found: String)
    /// The checkpoint files themselves could not be read, or a tensor could not be renamed or split
    /// (wraps the safetensors error, which names the file). `directory` is the model directory, or
    /// the folder holding the checkpoint file when it was opened on its own.
    case weights(directory: String, WeightsError)
    /// No known checkpoint layout of `model` fits the file's tensor names, or they mix several
    /// layouts. `knownLayouts` names the layouts tried; `sampleNames` shows some of the file's names.
    case unrecognisedCheckpointLayout(file: String, model: String, knownLayouts: [String], tensorCount: Int, sampleNames: [String])
    /// The checkpoint's layout was recognised, but these names have no counterpart in the model's
    /// canonical names.
    case unmappedCheckpointNames(file: String, layout: String, names: [String])
    /// The checkpoint's tensors do not match the model the configuration describes: every missing,
    /// unexpected and mismatched tensor is listed.
    case weightMismatch(directory: String, WeightVerificationError)
    /// Image `index` of a batch could not be prepared (e.g. a resize rule giving a zero-sized image).
    case image(index: Int, ImageOperationError)
    /// Input tensors or values the model or a processing step cannot take (wrong rank, channels,
    /// mask shape, empty batch, …).
    case invalidInput(operation: String, detail: String)
    /// A tensor operation failed inside the model (a shape the configuration allowed but an operation
    /// refused); `stage` says where.
    case computation(stage: String, TensorError)

    /// How many unmapped names a message lists before it abbreviates.
    static let listedNameLimit = 12

    public var description: String {
        switch self {
        case .unreadableConfig(let file, let reason):
            return "\(file): cannot read the configuration: \(reason)"
        case .invalidConfigValue(let file, let key, let expected, let found):
            return "\(file): '\(key)' is \(found); expected \(expected)"
        case .weights(let directory, let error):
            return "\(directory): cannot read the weights: \(error)"
        case .unrecognisedCheckpointLayout(let file, let model, let known, let count, let sample):
            return "\(file): the \(count) tensor name\(count == 1 ? "" : "s") match no known \(model) checkpoint layout "
                + "(\(known.joined(separator: ", "))) or mix several; some names: \(sample.joined(separator: ", "))"
        case .unmappedCheckpointNames(let file, let layout, let names):
            let shown = names.prefix(Self.listedNameLimit).joined(separator: ", ")
            return "\(file): \(names.count) tensor name\(names.count == 1 ? "" : "s") of the \(layout) layout "
                + "have no canonical counterpart: \(shown)\(names.count > Self.listedNameLimit ? ", …" : "")"
        case .weightMismatch(let directory, let error):
            return "\(directory): \(error)"
        case .image(let index, let error):
            return "image \(index): \(error)"
        case .invalidInput(let operation, let detail):
            return "\(operation): invalid input: \(detail)"
        case .computation(let stage, let error):
            return "\(stage): \(error)"
        }
    }
}
