/// How transparent pixels become opaque RGB.
public enum AlphaHandling: Sendable, Equatable {
    /// Blend over a solid background: `out = (c * a + bg * (255 - a) + 127) / 255` per channel,
    /// integer arithmetic (round half up), with `c`, `a` the 8-bit colour and alpha.
    case composite(on: RGBColor)
    /// Ignore alpha and keep the colour channels as stored — what Pillow's `convert("RGB")` does
    /// (and therefore what the transformers image pipeline feeds its models).
    case drop
}

extension AlphaHandling {
    /// Blends one 8-bit channel over the background with the documented rounding.
    @inline(__always)
    static func composite(_ colour: UInt8, alpha: UInt8, background: UInt8) -> UInt8 {
        let a = UInt32(alpha)
        return UInt8((UInt32(colour) * a + UInt32(background) * (255 - a) + 127) / 255)
    }
}
