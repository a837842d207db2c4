import VisImage
import VisModels

/// Why a built-in stage could not be prepared or could not process an item.
///
/// Messages say what went wrong with which port, parameter or file; they do not repeat the
/// stage's name, which the executor adds (it knows the instance name, e.g. `detector`).
public enum BuiltinStageError: Error, CustomStringConvertible {
    /// A required input port had no value.
    case missingInput(port: String)
    /// An input port received a value of another type than it declares.
    case wrongInputType(port: String, expected: PortType, found: PortType)
    /// A parameter is missing or its value cannot be used (e.g. a malformed colour).
    case invalidParameter(name: String, expected: String, found: String)
    /// Decoding an image file failed; the message is the decoder's (file name and reason).
    case decode(ImageError)
    /// An image operation (resize, overlay) refused its inputs.
    case imageOperation(ImageOperationError)
    /// A model could not be loaded or run; the message names the model directory or the operation.
    case model(ModelError)
    /// Inputs that fit their types but not each other (e.g. a mask and an image of different sizes).
    case invalidInput(port: String, detail: String)

    public var description: String {
        switch self {
        case .missingInput(let port):
            return "input '\(port)' has no value"
        case .wrongInputType(let port, let expected, let found):
            return "input '\(port)' expects \(expected), found \(found)"
        case .invalidParameter(let name, let expected, let found):
            return "parameter '\(name)' is \(found); expected \(expected)"
        case .decode(let error):
            return error.description
        case .imageOperation(let error):
            return error.description
        case .model(let error):
            return error.description
        case .invalidInput(let port, let detail):
            return "input '\(port)': \(detail)"
        }
    }
}
