/// How `ImageDecoder` turns a file into an `RGBImage`.
public struct ImageDecodeOptions: Sendable, Equatable {
    /// Images whose header announces more than this many pixels are refused (`.tooLarge`) before
    /// any pixel buffer is allocated. Default 64 megapixels.
    public var maximumPixels: Int
    /// What to do with an alpha channel (PNG alpha or tRNS transparency).
    public var alpha: AlphaHandling
    /// Rotate/flip according to the EXIF orientation tag (JPEG APP1, PNG eXIf), as
    /// `PIL.ImageOps.exif_transpose` does. Default true.
    public var applyExifOrientation: Bool

    public static let defaultMaximumPixels = 64_000_000

    public init(maximumPixels: Int = ImageDecodeOptions.defaultMaximumPixels,
                alpha: AlphaHandling = .composite(on: .white),
                applyExifOrientation: Bool = true) {
        self.maximumPixels = maximumPixels
        self.alpha = alpha
        self.applyExifOrientation = applyExifOrientation
    }

    public static let `default` = ImageDecodeOptions()
}
