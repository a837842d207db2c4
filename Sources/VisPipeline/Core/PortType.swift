/// The closed set of value types that flow between stages. A connection is valid only when the
/// producing port's type equals the consuming port's type; the pipeline checks every connection
/// before anything runs.
public enum PortType: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// A decoded 8-bit RGB image (with the path it came from).
    case image
    /// A float32 tensor or feature map (`[C, H, W]`, `[L, E]`, …).
    case tensor
    /// Detected objects: boxes in original-image pixels, scores and labels.
    case detections
    /// A per-pixel map: a mask (0/1) or a heat map (float), with its size.
    case mask
    /// A piece of text: a question, a caption, an answer.
    case text
    /// A sentence embedding (one float vector).
    case embedding
    /// A token sequence (ids, optionally with per-token strings).
    case tokens
    /// A scanpath: ordered object indices with fixation positions.
    case scanpath
    /// A small key-value record (strings, numbers, booleans).
    case record

    public var description: String { rawValue }
}
