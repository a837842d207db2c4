import CVisCodecs

/// Runs one CVisCodecs call with a message buffer and turns a failure into an `ImageError`.
enum CodecCall {
    static func run(file: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(ImageError) {
        var message = [CChar](repeating: 0, count: Int(VIS_CODEC_MESSAGE_CAPACITY))
        let status = message.withUnsafeMutableBufferPointer { buffer in
            body(buffer.baseAddress!, buffer.count)
        }
        guard status != Int32(VIS_CODEC_OK.rawValue) else { return }
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw ImageError(file: file, reason: reason(status: status, text: text))
    }

    private static func reason(status: Int32, text: String) -> ImageError.Reason {
        let detail = text.isEmpty ? "unknown codec error" : text
        switch UInt32(bitPattern: status) {
        case VIS_CODEC_TRUNCATED.rawValue: return .truncated(detail)
        case VIS_CODEC_NO_MEMORY.rawValue: return .io("out of memory: \(detail)")
        case VIS_CODEC_INVALID_ARGUMENT.rawValue: return .invalidArgument(detail)
        default: return .corrupt(detail)
        }
    }
}
