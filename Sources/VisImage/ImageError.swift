/// An image could not be decoded or encoded. Always names the file (or the data's name) and why.
public struct ImageError: Error, Equatable, CustomStringConvertible {
    /// Why the operation failed.
    public enum Reason: Equatable, Sendable {
        /// The bytes are neither PNG nor JPEG (judged by the magic bytes, not the extension).
        case unsupportedFormat(String)
        /// The data violates its format: bad checksum, invalid header field, corrupt entropy data, …
        case corrupt(String)
        /// The data ends before the image is complete.
        case truncated(String)
        /// The header announces more pixels than the decoder's limit; refused before allocating.
        case tooLarge(width: Int, height: Int, limit: Int)
        /// Reading or writing the file failed.
        case io(String)
        /// The caller asked for something impossible (empty image, JPEG quality out of 1-100, …).
        case invalidArgument(String)
    }

    /// File path, or the name given to `ImageDecoder.decode(data:name:options:)`.
    public let file: String
    public let reason: Reason

    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unsupportedFormat(let detail): return "\(file): unsupported image format: \(detail)"
        case .corrupt(let detail): return "\(file): corrupt image: \(detail)"
        case .truncated(let detail): return "\(file): truncated image: \(detail)"
        case .tooLarge(let width, let height, let limit):
            return "\(file): image is \(width)x\(height) = \(width * height) pixels, more than the limit of \(limit)"
        case .io(let detail): return "\(file): \(detail)"
        case .invalidArgument(let detail): return "\(file): \(detail)"
        }
    }
}
