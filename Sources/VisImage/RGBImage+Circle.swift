extension RGBImage {
    /// Draws a circle outline centred at (`centerX`, `centerY`) in continuous coordinates (see
    /// `DrawingCoordinates`): pixels whose centre is within `max(thickness, 1) / 2` of the circle of
    /// `radius` are painted. Clipped to the image.
    public mutating func drawCircle(centerX: Double, centerY: Double, radius: Double,
                                    color: RGBColor, thickness: Double = 1) {
        guard radius >= 0, !thickness.isNaN else { return }
        let halfWidth = max(thickness, 1) / 2
        let inner = max(radius - halfWidth, 0), outer = radius + halfWidth
        paintDisc(centerX: centerX, centerY: centerY, inner: inner, outer: outer, includeCentre: radius <= halfWidth,
                  color: color, alpha: 1)
    }

    /// Fills the disc of `radius` centred at (`centerX`, `centerY`): pixels whose centre is within
    /// `radius`, painted with opacity `alpha`. Clipped to the image.
    public mutating func fillCircle(centerX: Double, centerY: Double, radius: Double,
                                    color: RGBColor, alpha: Double = 1) {
        guard radius >= 0, let a = DrawingCoordinates.opacity(alpha), a > 0 else { return }
        paintDisc(centerX: centerX, centerY: centerY, inner: 0, outer: radius, includeCentre: true, color: color, alpha: a)
    }

    /// Paints pixels whose centre distance `d` satisfies `inner <= d <= outer` (`d < inner` too
    /// when `includeCentre`).
    private mutating func paintDisc(centerX: Double, centerY: Double, inner: Double, outer: Double,
                                    includeCentre: Bool, color: RGBColor, alpha: Double) {
        guard let xs = DrawingCoordinates.clippedRange(from: centerX - outer, to: centerX + outer, size: width),
              let ys = DrawingCoordinates.clippedRange(from: centerY - outer, to: centerY + outer, size: height)
        else { return }
        let innerSquared = inner * inner, outerSquared = outer * outer
        for y in ys {
            let dy = Double(y) + 0.5 - centerY
            for x in xs {
                let dx = Double(x) + 0.5 - centerX
                let d2 = dx * dx + dy * dy
                if d2 <= outerSquared && (includeCentre || d2 >= innerSquared) {
                    paintPixel(x, y, color, alpha: alpha)
                }
            }
        }
    }
}
