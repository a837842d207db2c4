/// How DETR preprocessing chooses an image's resized size: the `size` entry of
/// `preprocessor_config.json`, in the three forms transformers' DETR image processor accepts.
public enum DetrResizeRule: Sendable, Equatable {
    /// `{"shortest_edge": s, "longest_edge": l}` (or legacy `"size": s, "max_size": l`): the short
    /// side becomes `s` unless the long side would then exceed `l`; aspect ratio kept.
    case shortestEdge(Int, longestEdge: Int)
    /// `{"height": h, "width": w}`: exactly this size.
    case exact(height: Int, width: Int)
    /// `{"max_height": h, "max_width": w}`: the largest size with the image's aspect ratio that
    /// fits (small images are enlarged until one side touches its limit).
    case fit(maxHeight: Int, maxWidth: Int)

    /// transformers' default for DETR: short side 800, long side at most 1333.
    public static let detrDefault = DetrResizeRule.shortestEdge(800, longestEdge: 1333)

    /// The output `(height, width)` for an image of `height` x `width`, with transformers' integer
    /// arithmetic (`get_size_with_aspect_ratio` / `get_image_size_for_max_height_width`): Python
    /// `round` (half to even) for the capped short side, truncation for the other side, computed
    /// in double precision from the unrounded short side.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        switch self {
        case .exact(let outHeight, let outWidth):
            return (outHeight, outWidth)
        case .fit(let maxHeight, let maxWidth):
            let scale = min(Double(maxHeight) / Double(height), Double(maxWidth) / Double(width))
            return (Int((Double(height) * scale).rounded(.towardZero)), Int((Double(width) * scale).rounded(.towardZero)))
        case .shortestEdge(let requested, let longest):
            var short = requested
            var unroundedShort: Double? = nil
            let shortSide = Double(min(height, width))
            let longSide = Double(max(height, width))
            if longSide / shortSide * Double(requested) > Double(longest) {
                let raw = Double(longest) * shortSide / longSide
                unroundedShort = raw
                short = Int(raw.rounded(.toNearestOrEven))
            }
            if (height <= width && height == short) || (width <= height && width == short) {
                return (height, width)
            }
            // The long side scales from the unrounded short side when the cap applied.
            let base = unroundedShort ?? Double(short)
            if width < height {
                return (Int((base * Double(height) / Double(width)).rounded(.towardZero)), short)
            }
            return (short, Int((base * Double(width) / Double(height)).rounded(.towardZero)))
        }
    }
}
