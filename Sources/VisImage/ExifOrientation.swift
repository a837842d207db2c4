/// The EXIF orientation tag (0x0112): how the stored pixels must be transformed to display upright.
///
/// The transforms are the ones `PIL.ImageOps.exif_transpose` applies (which the transformers image
/// loader calls), named after Pillow's `Image.Transpose` members in the comments.
public enum ExifOrientation: Int, Sendable, Equatable, CaseIterable {
    case up = 1                 // nothing to do
    case upMirrored = 2         // FLIP_LEFT_RIGHT
    case down = 3               // ROTATE_180
    case downMirrored = 4       // FLIP_TOP_BOTTOM
    case leftMirrored = 5       // TRANSPOSE
    case right = 6              // ROTATE_270 (90° clockwise)
    case rightMirrored = 7      // TRANSVERSE
    case left = 8               // ROTATE_90 (90° counter-clockwise)

    /// True when the transform exchanges width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// Returns `image` transformed to display upright.
    public func apply(to image: RGBImage) -> RGBImage {
        if self == .up { return image }
        let w = image.width, h = image.height
        let outWidth = swapsDimensions ? h : w
        let outHeight = swapsDimensions ? w : h
        // For each output pixel (x, y): the source pixel it comes from.
        let source: (Int, Int) -> (Int, Int)
        switch self {
        case .up: source = { x, y in (x, y) }
        case .upMirrored: source = { x, y in (w - 1 - x, y) }
        case .down: source = { x, y in (w - 1 - x, h - 1 - y) }
        case .downMirrored: source = { x, y in (x, h - 1 - y) }
        case .leftMirrored: source = { x, y in (y, x) }
        case .right: source = { x, y in (y, h - 1 - x) }
        case .rightMirrored: source = { x, y in (w - 1 - y, h - 1 - x) }
        case .left: source = { x, y in (w - 1 - y, x) }
        }
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                var o = 0
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let (sx, sy) = source(x, y)
                        let i = (sy * w + sx) * 3
                        output[o] = input[i]; output[o + 1] = input[i + 1]; output[o + 2] = input[i + 2]
                        o += 3
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: pixels)
    }
}
