extension RGBImage {
    /// Pixel columns and rows of the box `[left, right) x [top, bottom)` with each edge moved to the
    /// nearest pixel boundary; a box thinner than a pixel still covers one. Not clipped.
    static func boxPixels(left: Double, top: Double, right: Double, bottom: Double)
        -> (x: Range<Int>, y: Range<Int>)? {
        guard let x0 = DrawingCoordinates.nearestEdge(min(left, right)),
              let x1 = DrawingCoordinates.nearestEdge(max(left, right)),
              let y0 = DrawingCoordinates.nearestEdge(min(top, bottom)),
              let y1 = DrawingCoordinates.nearestEdge(max(top, bottom)) else { return nil }
        return (x0..<max(x1, x0 + 1), y0..<max(y1, y0 + 1))
    }

    /// Draws the outline of the box `[left, right) x [top, bottom)` (continuous coordinates, see
    /// `DrawingCoordinates`), `thickness` pixels wide, growing inward from the box edges so the
    /// outline never covers anything outside the box. Parts outside the image are clipped.
    /// - Parameter thickness: outline width in pixels; values below 1 draw a 1-pixel outline.
    public mutating func drawRectangle(left: Double, top: Double, right: Double, bottom: Double,
                                       color: RGBColor, thickness: Int = 2) {
        guard let box = Self.boxPixels(left: left, top: top, right: right, bottom: bottom) else { return }
        let t = max(thickness, 1)
        let xs = box.x.clamped(to: 0..<width), ys = box.y.clamped(to: 0..<height)
        guard !xs.isEmpty, !ys.isEmpty else { return }
        // Inner (unpainted) region; empty when the outline fills the box.
        let innerX = (box.x.lowerBound + t)..<max(box.x.upperBound - t, box.x.lowerBound + t)
        let innerY = (box.y.lowerBound + t)..<max(box.y.upperBound - t, box.y.lowerBound + t)
        for y in ys {
            if innerY.contains(y) {
                for x in xs where !innerX.contains(x) { setPixel(x, y, color) }
            } else {
                for x in xs { setPixel(x, y, color) }
            }
        }
    }

    /// Fills the box `[left, right) x [top, bottom)` with `color` at opacity `alpha`
    /// (see `RGBColor.blended(over:alpha:)`); alpha 1 paints solid. Clipped to the image.
    public mutating func fillRectangle(left: Double, top: Double, right: Double, bottom: Double,
                                       color: RGBColor, alpha: Double = 1) {
        guard let a = DrawingCoordinates.opacity(alpha), a > 0,
              let box = Self.boxPixels(left: left, top: top, right: right, bottom: bottom) else { return }
        let xs = box.x.clamped(to: 0..<width), ys = box.y.clamped(to: 0..<height)
        for y in ys {
            for x in xs { paintPixel(x, y, color, alpha: a) }
        }
    }
}
