extension RGBImage {
    /// Pixel size of `text` drawn with `BitmapFont` at `scale`: lines split at `\n`, no trailing
    /// spacing after the last character or line. Empty text measures 0 x 0.
    public static func textSize(_ text: String, scale: Int = 1) -> (width: Int, height: Int) {
        let s = max(scale, 1)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let longest = lines.map { $0.unicodeScalars.count }.max() ?? 0
        guard longest > 0 else { return (0, 0) }
        let width = (longest * BitmapFont.advance - (BitmapFont.advance - BitmapFont.glyphWidth)) * s
        let height = (lines.count * BitmapFont.lineHeight - (BitmapFont.lineHeight - BitmapFont.glyphHeight)) * s
        return (width, height)
    }

    /// Draws `text` with its first glyph's top-left corner at pixel (`x`, `y`); each font pixel
    /// becomes a `scale` x `scale` block. `\n` starts a new line; characters outside printable
    /// ASCII draw as `?`. Clipped to the image.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGBColor, scale: Int = 1) {
        let s = max(scale, 1)
        var penX = x, penY = y
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                penX = x
                penY += BitmapFont.lineHeight * s
                continue
            }
            let code = scalar.isASCII ? UInt8(scalar.value) : UInt8(ascii: "?")
            drawGlyph(code, x: penX, y: penY, color: color, scale: s)
            penX += BitmapFont.advance * s
        }
    }

    private mutating func drawGlyph(_ code: UInt8, x: Int, y: Int, color: RGBColor, scale: Int) {
        // Skip glyphs entirely outside the image (long labels near an edge).
        guard x < width, y < height, x + BitmapFont.glyphWidth * scale > 0,
              y + BitmapFont.glyphHeight * scale > 0 else { return }
        for row in 0..<BitmapFont.glyphHeight {
            for column in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(code, column: column, row: row) {
                let xs = (x + column * scale ..< x + (column + 1) * scale).clamped(to: 0..<width)
                let ys = (y + row * scale ..< y + (row + 1) * scale).clamped(to: 0..<height)
                for py in ys { for px in xs { setPixel(px, py, color) } }
            }
        }
    }

    /// Draws a detection-style label: `text` on a filled background box, placed just above the
    /// point (`x`, `y`) (typically a box's top-left corner), or just below it when there is no
    /// room above, and shifted left if it would run past the right edge. The box leaves 2 font
    /// pixels (`2 * scale` image pixels) of background above the text and 1 on the other sides.
    /// Returns the label's box (which may extend beyond the image only when the image is smaller
    /// than the label).
    @discardableResult
    public mutating func drawLabel(_ text: String, x: Double, y: Double, textColor: RGBColor = .white,
                                   background: RGBColor, backgroundAlpha: Double = 1,
                                   scale: Int = 1) -> PixelRegion {
        let s = max(scale, 1)
        // The glyph cell's bottom row is the descender row, blank for capitals and digits, so one
        // font pixel below already looks like two; two above makes capitals sit centred instead
        // of touching the top edge.
        let padding = (top: 2 * s, bottom: s, side: s)
        let size = Self.textSize(text, scale: s)
        let boxWidth = size.width + 2 * padding.side, boxHeight = size.height + padding.top + padding.bottom
        let anchorX = DrawingCoordinates.nearestEdge(x) ?? 0
        let anchorY = DrawingCoordinates.nearestEdge(y) ?? 0
        var left = min(anchorX, width - boxWidth)
        left = max(left, 0)
        let top = anchorY - boxHeight >= 0 ? anchorY - boxHeight : max(anchorY, 0)
        let region = PixelRegion(x: left, y: top, width: boxWidth, height: boxHeight)
        fillRectangle(left: Double(left), top: Double(top), right: Double(left + boxWidth),
                      bottom: Double(top + boxHeight), color: background, alpha: backgroundAlpha)
        drawText(text, x: left + padding.side, y: top + padding.top, color: textColor, scale: s)
        return region
    }
}
