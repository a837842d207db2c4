import CVisCodecs

/// PNG decoding through the C shim, with Pillow-compatible reduction to 8-bit RGB.
///
/// Reduction rules (chosen to equal Pillow 12's `Image.open(...).convert("RGB")`, which the
/// transformers pipeline uses, for every PngSuite image):
/// - 1/2/4-bit gray and palettes expand to 8 bits by bit replication (libpng and Pillow agree).
/// - 16-bit colour (types 2, 4, 6), and 16-bit alpha: the high byte, i.e. truncation
///   (`png_set_strip_16`'s rule; Pillow's `RGB;16B`, `LA;16B`, `RGBA;16B` unpackers do the same).
/// - 16-bit gray without alpha (type 0): Pillow opens it as mode `I;16` and `convert("RGB")`
///   *clamps* the 16-bit value to 0...255 (`min(v, 255)`) instead of scaling it. Neither
///   `png_set_strip_16` (v >> 8) nor `png_set_scale_16` (rounded v / 257) reproduces that, so the
///   shim returns 16-bit samples and the clamp is applied here. This deliberately reproduces the
///   reference pipeline's inputs, even though it whitens most 16-bit gray images.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], file: String, options: ImageDecodeOptions) throws(ImageError) -> RGBImage {
        var header = vis_png_header()
        // The header is read with libpng's limit at the format's maximum (2^31 - 1) so an oversized
        // image is reported as `.tooLarge` with its dimensions, not as a libpng error.
        try CodecCall.run(file: file) { message, capacity in
            bytes.withUnsafeBufferPointer {
                vis_png_read_header($0.baseAddress, $0.count, 0x7FFF_FFFF, &header, message, capacity)
            }
        }
        let width = Int(header.width), height = Int(header.height)
        try ImageDecoder.checkPixelLimit(width: width, height: height, file: file, options: options)

        let hasAlpha = header.color_type & 4 != 0 || header.has_trns != 0
        var background: RGBColor?
        if hasAlpha, case .composite(let colour) = options.alpha { background = colour }
        let channels = background == nil ? 3 : 4
        let sixteenBit = header.bit_depth == 16
        let sampleCount = width * height * channels
        let byteCount = sampleCount * (sixteenBit ? 2 : 1)
        let limit = UInt32(max(width, height))

        /// Runs the shim's decoder into `out`; returns its status (the message goes to CodecCall).
        func decodeInto(_ out: UnsafeMutableRawBufferPointer, _ message: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int32 {
            bytes.withUnsafeBufferPointer {
                vis_png_decode($0.baseAddress, $0.count, limit, background == nil ? 0 : 1,
                               out.baseAddress?.assumingMemoryBound(to: UInt8.self), out.count,
                               message, capacity)
            }
        }

        if !sixteenBit && channels == 3 {
            // The common case decodes straight into the image's own storage.
            var pixels = [UInt8](repeating: 0, count: byteCount)
            try CodecCall.run(file: file) { message, capacity in pixels.withUnsafeMutableBytes { decodeInto($0, message, capacity) } }
            return RGBImage(width: width, height: height, pixels: pixels)
        }

        var samples = [UInt8](repeating: 0, count: sampleCount)
        if sixteenBit {
            var wide = [UInt16](repeating: 0, count: sampleCount)
            try CodecCall.run(file: file) { message, capacity in wide.withUnsafeMutableBytes { decodeInto($0, message, capacity) } }
            let clampGray = header.color_type == 0
            for i in 0..<sampleCount {
                let isAlpha = channels == 4 && i % 4 == 3
                samples[i] = clampGray && !isAlpha ? UInt8(min(wide[i], 255)) : UInt8(wide[i] >> 8)
            }
        } else {
            try CodecCall.run(file: file) { message, capacity in samples.withUnsafeMutableBytes { decodeInto($0, message, capacity) } }
        }
        guard channels == 4, let background else {
            return RGBImage(width: width, height: height, pixels: samples)
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            let alpha = samples[4 * p + 3]
            pixels[3 * p] = AlphaHandling.composite(samples[4 * p], alpha: alpha, background: background.r)
            pixels[3 * p + 1] = AlphaHandling.composite(samples[4 * p + 1], alpha: alpha, background: background.g)
            pixels[3 * p + 2] = AlphaHandling.composite(samples[4 * p + 2], alpha: alpha, background: background.b)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
