import CVisCodecs
import VisFiles
import Foundation

/// Encodes `RGBImage`s as PNG (lossless, 8-bit RGB) or JPEG (baseline, 4:2:0) — in memory, or to a
/// file through `AtomicFileWriter` so an interrupted write never leaves a partial image behind.
public enum ImageEncoder {
    /// PNG bytes of `image`; `name` is used in error messages.
    public static func pngData(_ image: RGBImage, name: String = "<png data>") throws(ImageError) -> Data {
        try encode(image, name: name) { pixels, width, height, out, size, message, capacity in
            vis_png_encode_rgb8(pixels, width, height, out, size, message, capacity)
        }
    }

    /// JPEG bytes of `image` at `quality` 1...100; `name` is used in error messages.
    public static func jpegData(_ image: RGBImage, quality: Int = 90, name: String = "<jpeg data>") throws(ImageError) -> Data {
        guard (1...100).contains(quality) else {
            throw ImageError(file: name, reason: .invalidArgument("JPEG quality \(quality) is outside 1...100"))
        }
        return try encode(image, name: name) { pixels, width, height, out, size, message, capacity in
            vis_jpeg_encode_rgb8(pixels, width, height, Int32(quality), out, size, message, capacity)
        }
    }

    /// Writes `image` as a PNG file, atomically.
    public static func writePNG(_ image: RGBImage, to path: String) throws(ImageError) {
        try writeAtomically(try pngData(image, name: path), to: path)
    }

    /// Writes `image` as a JPEG file at `quality` 1...100, atomically.
    public static func writeJPEG(_ image: RGBImage, to path: String, quality: Int = 90) throws(ImageError) {
        try writeAtomically(try jpegData(image, quality: quality, name: path), to: path)
    }

    private static func writeAtomically(_ data: Data, to path: String) throws(ImageError) {
        do {
            try AtomicFileWriter.write(data, to: path)
        } catch {
            throw ImageError(file: path, reason: .io("\(error.operation) failed: \(error.reason)"))
        }
    }

    private typealias ShimEncoder = (UnsafePointer<UInt8>?, UInt32, UInt32,
                                     UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
                                     UnsafeMutablePointer<Int>,
                                     UnsafeMutablePointer<CChar>, Int) -> Int32

    private static func encode(_ image: RGBImage, name: String, _ shim: ShimEncoder) throws(ImageError) -> Data {
        guard image.width > 0, image.height > 0 else {
            throw ImageError(file: name, reason: .invalidArgument("cannot encode an empty \(image.width)x\(image.height) image"))
        }
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw ImageError(file: name, reason: .invalidArgument("image \(image.width)x\(image.height) is too large to encode"))
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        try CodecCall.run(file: name) { message, capacity in
            image.pixels.withUnsafeBufferPointer { pixels in
                shim(pixels.baseAddress, width, height, &output, &size, message, capacity)
            }
        }
        guard let output else { return Data() }
        defer { vis_codec_free(output) }
        return Data(bytes: output, count: size)
    }
}
