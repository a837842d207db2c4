extension RGBColor {
    /// This colour painted over `background` with opacity `alpha` (0 keeps the background,
    /// 1 gives this colour): each channel is `round(background * (1 - alpha) + self * alpha)`.
    public func blended(over background: RGBColor, alpha: Double) -> RGBColor {
        let a = DrawingCoordinates.opacity(alpha) ?? 0
        return RGBColor(Self.mix(background.r, r, a), Self.mix(background.g, g, a), Self.mix(background.b, b, a))
    }

    @inline(__always)
    static func mix(_ background: UInt8, _ foreground: UInt8, _ alpha: Double) -> UInt8 {
        UInt8((Double(background) * (1 - alpha) + Double(foreground) * alpha).rounded())
    }
}

extension RGBImage {
    /// Sets pixel (`x`, `y`), which the caller has clipped to the image.
    @inline(__always)
    mutating func setPixel(_ x: Int, _ y: Int, _ color: RGBColor) {
        let i = (y * width + x) * 3
        pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
    }

    /// Blends `color` over pixel (`x`, `y`), which the caller has clipped, with opacity `alpha` in 0...1.
    @inline(__always)
    mutating func blendPixel(_ x: Int, _ y: Int, _ color: RGBColor, alpha: Double) {
        let i = (y * width + x) * 3
        pixels[i] = RGBColor.mix(pixels[i], color.r, alpha)
        pixels[i + 1] = RGBColor.mix(pixels[i + 1], color.g, alpha)
        pixels[i + 2] = RGBColor.mix(pixels[i + 2], color.b, alpha)
    }

    /// Paints `color` over pixel (`x`, `y`): a plain store when opaque, a blend otherwise.
    @inline(__always)
    mutating func paintPixel(_ x: Int, _ y: Int, _ color: RGBColor, alpha: Double) {
        if alpha >= 1 { setPixel(x, y, color) } else { blendPixel(x, y, color, alpha: alpha) }
    }
}
