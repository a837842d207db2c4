import Foundation

/// Decodes PNG and JPEG files into `RGBImage`, the way the reference pipeline (Pillow's
/// `Image.open` + `ImageOps.exif_transpose` + `convert("RGB")`) sees them.
///
/// The format is identified from the magic bytes. Damaged files are errors — a bad CRC, a
/// truncated stream or corrupt JPEG entropy data is refused rather than decoded with made-up
/// pixels — and oversized images are refused from their header, before any pixel allocation.
public enum ImageDecoder {
    /// Reads and decodes the file at `path`. Errors name the path.
    public static func decode(contentsOf path: String, options: ImageDecodeOptions = .default) throws(ImageError) -> RGBImage {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ImageError(file: path, reason: .io("cannot read file: \(Self.describe(error))"))
        }
        return try decode(data: data, name: path, options: options)
    }

    /// Decodes an in-memory PNG or JPEG; `name` is used in error messages.
    public static func decode(data: Data, name: String, options: ImageDecodeOptions = .default) throws(ImageError) -> RGBImage {
        let bytes = [UInt8](data)
        guard let format = ImageFormat.sniff(bytes) else {
            if ImageFormat.looksLikeDamagedPNG(bytes) {
                throw ImageError(file: name, reason: .corrupt(
                    "damaged PNG signature \(ImageFormat.hexPrefix(bytes)) (expected 89 50 4e 47 0d 0a 1a 0a; was the file transferred in text mode?)"))
            }
            throw ImageError(file: name, reason: .unsupportedFormat(ImageFormat.describeUnknown(bytes)))
        }
        let image: RGBImage
        let orientation: ExifOrientation?
        switch format {
        case .png:
            image = try PNGDecoder.decode(bytes, file: name, options: options)
            orientation = options.applyExifOrientation ? ExifReader.orientation(png: bytes) : nil
        case .jpeg:
            image = try JPEGDecoder.decode(bytes, file: name, options: options)
            orientation = options.applyExifOrientation ? ExifReader.orientation(jpeg: bytes) : nil
        }
        return orientation?.apply(to: image) ?? image
    }

    /// Refuses images above `options.maximumPixels` (and empty ones) from their header dimensions.
    static func checkPixelLimit(width: Int, height: Int, file: String, options: ImageDecodeOptions) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw ImageError(file: file, reason: .corrupt("image has zero size (\(width)x\(height))"))
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > options.maximumPixels {
            throw ImageError(file: file, reason: .tooLarge(width: width, height: height, limit: options.maximumPixels))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return (error as NSError).localizedDescription
    }
}
