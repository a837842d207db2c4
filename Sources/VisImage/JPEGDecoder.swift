import CVisCodecs

/// JPEG decoding through the C shim (libjpeg defaults: ISLOW DCT, fancy upsampling, like Pillow).
///
/// Gray and YCbCr files come out of libjpeg as RGB. Four-component (CMYK/YCCK) files come out as
/// stored ink values and are converted the way Pillow does: Pillow reads every CMYK JPEG as
/// `CMYK;I` (Adobe's inverted convention, whether or not an Adobe marker is present) and converts
/// with `R = (255 - K) - round((255 - K) * C / 255)` per channel, using its `MULDIV255` rounding.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], file: String, options: ImageDecodeOptions) throws(ImageError) -> RGBImage {
        var header = vis_jpeg_header()
        try CodecCall.run(file: file) { message, capacity in
            bytes.withUnsafeBufferPointer { vis_jpeg_read_header($0.baseAddress, $0.count, &header, message, capacity) }
        }
        let width = Int(header.width), height = Int(header.height)
        try ImageDecoder.checkPixelLimit(width: width, height: height, file: file, options: options)
        let components = Int(header.output_components)
        var samples = [UInt8](repeating: 0, count: width * height * components)
        try CodecCall.run(file: file) { message, capacity in
            bytes.withUnsafeBufferPointer { input in
                samples.withUnsafeMutableBufferPointer { out in
                    vis_jpeg_decode(input.baseAddress, input.count, out.baseAddress, out.count, message, capacity)
                }
            }
        }
        if components == 3 { return RGBImage(width: width, height: height, pixels: samples) }

        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            // Stored values are inverted inks (Adobe convention); undo that first.
            let k = 255 - Int(samples[4 * p + 3])
            let notK = 255 - k
            for c in 0..<3 {
                let ink = 255 - Int(samples[4 * p + c])
                pixels[3 * p + c] = UInt8(clamping: notK - mulDiv255(ink, notK))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// `round(a * b / 255)` exactly as Pillow's `MULDIV255` macro computes it.
    @inline(__always)
    private static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }
}
