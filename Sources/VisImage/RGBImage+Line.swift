extension RGBImage {
    /// Draws a straight segment from (`x0`, `y0`) to (`x1`, `y1`) in continuous coordinates (see
    /// `DrawingCoordinates`) with round ends: every pixel whose centre lies within
    /// `max(thickness, 1) / 2` of the segment is painted. Works in any direction; clipped to the image.
    public mutating func drawLine(x0: Double, y0: Double, x1: Double, y1: Double,
                                  color: RGBColor, thickness: Double = 1, alpha: Double = 1) {
        guard let a = DrawingCoordinates.opacity(alpha), a > 0, !thickness.isNaN else { return }
        let radius = max(thickness, 1) / 2
        guard let xs = DrawingCoordinates.clippedRange(from: min(x0, x1) - radius, to: max(x0, x1) + radius, size: width),
              let ys = DrawingCoordinates.clippedRange(from: min(y0, y1) - radius, to: max(y0, y1) + radius, size: height)
        else { return }
        let dx = x1 - x0, dy = y1 - y0
        let lengthSquared = dx * dx + dy * dy
        let radiusSquared = radius * radius
        for y in ys {
            let py = Double(y) + 0.5
            for x in xs {
                let px = Double(x) + 0.5
                // Closest point of the segment to the pixel centre.
                var t = lengthSquared > 0 ? ((px - x0) * dx + (py - y0) * dy) / lengthSquared : 0
                t = min(max(t, 0), 1)
                let ex = px - (x0 + t * dx), ey = py - (y0 + t * dy)
                if ex * ex + ey * ey <= radiusSquared { paintPixel(x, y, color, alpha: a) }
            }
        }
    }
}
