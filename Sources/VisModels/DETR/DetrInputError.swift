import VisImage
import VisWeights

/// Errors from reading what a DETR model is fed: its checkpoint's key layout, its
/// `preprocessor_config.json`, the images to preprocess and the outputs to post-process.
/// Each case names the file, key or operation it is about.
///
/// (Model construction and configuration problems are reported by the model's own error type;
/// this one covers the loading and pre/post-processing steps around it.)
public enum DetrInputError: Error, Equatable, CustomStringConvertible {
    /// No known DETR checkpoint layout fits the file's tensor names (or they mix several layouts).
    case unrecognisedCheckpointLayout(file: String, tensorCount: Int, sampleNames: [String])
    /// The layout was recognised, but these names have no counterpart in the canonical layout.
    case unmappedCheckpointNames(file: String, layout: DetrCheckpointLayout, names: [String])
    /// Reading or reshaping the checkpoint failed.
    case weights(WeightsError)
    /// `preprocessor_config.json` could not be read or is not a JSON object.
    case preprocessorConfigUnreadable(file: String, reason: String)
    /// A key of `preprocessor_config.json` holds a value this processor does not support.
    case unsupportedPreprocessorValue(file: String, key: String, expected: String, found: String)
    /// An image could not be resized (e.g. a size rule that yields a zero-sized image).
    case image(index: Int, ImageOperationError)
    /// Inputs that do not fit together (empty batch, sizes that differ without padding, output
    /// tensors whose shapes disagree, …).
    case invalidInput(op: String, detail: String)

    public var description: String {
        switch self {
        case .unrecognisedCheckpointLayout(let file, let count, let sample):
            return "\(file): the \(count) tensor names match no known DETR checkpoint layout "
                + "(hub/save_pretrained, transformers 5 in-memory, or facebookresearch/detr) or mix several; "
                + "some names: \(sample.joined(separator: ", "))"
        case .unmappedCheckpointNames(let file, let layout, let names):
            let shown = names.prefix(12).joined(separator: ", ")
            return "\(file): \(names.count) tensor name\(names.count == 1 ? "" : "s") of the \(layout) layout "
                + "have no canonical DETR name: \(shown)\(names.count > 12 ? ", …" : "")"
        case .weights(let error):
            return error.description
        case .preprocessorConfigUnreadable(let file, let reason):
            return "\(file): cannot read the preprocessor configuration: \(reason)"
        case .unsupportedPreprocessorValue(let file, let key, let expected, let found):
            return "\(file): '\(key)' must be \(expected), found \(found)"
        case .image(let index, let error):
            return "image \(index): \(error.description)"
        case .invalidInput(let op, let detail):
            return "\(op): \(detail)"
        }
    }
}
