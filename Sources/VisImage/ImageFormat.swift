/// The encoded image formats vispipe reads, recognised by their magic bytes.
public enum ImageFormat: String, Sendable, Equatable {
    case png
    case jpeg

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Identifies the format from the first bytes; the file name's extension is never consulted
    /// (photos named `.png` that are really JPEGs are common).
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        if bytes.starts(with: pngSignature) { return .png }
        // SOI followed by the first marker's 0xFF.
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// True when the first 8 bytes differ from the PNG signature in one or two bytes — typically a
    /// PNG damaged by a text-mode transfer that rewrote line endings.
    static func looksLikeDamagedPNG<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard bytes.count >= 8 else { return false }
        let differences = zip(bytes.prefix(8), pngSignature).filter { $0 != $1 }.count
        return differences <= 2
    }

    /// The leading bytes as hex, for error messages.
    static func hexPrefix<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    /// A short description of unrecognised leading bytes for error messages.
    static func describeUnknown<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if bytes.isEmpty { return "the file is empty" }
        return "not a PNG or JPEG (starts with \(hexPrefix(bytes)))"
    }
}
