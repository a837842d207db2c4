/// Why a COCO ground-truth or results file could not be used; each case names the file and,
/// where there is one, the JSON path of the offending value.
public enum CocoFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidJSON(file: String, reason: String)
    case wrongValue(file: String, jsonPath: String, expected: String)
    case unknownImage(file: String, jsonPath: String, imageID: Int)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .invalidJSON(file, reason): return "\(file): not valid JSON: \(reason)"
        case let .wrongValue(file, jsonPath, expected): return "\(file): \(jsonPath): expected \(expected)"
        case let .unknownImage(file, jsonPath, imageID):
            return "\(file): \(jsonPath): image_id \(imageID) is not an image of the ground truth"
        }
    }
}
