/// Drawing on `RGBImage` uses continuous image coordinates: pixel (`i`, `j`) covers
/// `[i, i + 1) x [j, j + 1)` and its centre is (`i + 0.5`, `j + 0.5`). This is the convention of
/// detection boxes (`x1 = width` is the right edge of the image), so model outputs can be drawn
/// without adjustment. Shapes may lie partly or wholly outside the image; they are clipped, and
/// non-finite coordinates draw nothing.
enum DrawingCoordinates {
    /// Coordinates are clamped to this magnitude before conversion to `Int`, so absurd values clip
    /// instead of trapping.
    static let limit = 1.0e9

    /// The pixel boundary nearest to `value` (e.g. a box edge at 10.4 starts at pixel 10).
    static func nearestEdge(_ value: Double) -> Int? {
        guard value.isFinite else { return nil }
        return Int(min(max(value, -limit), limit).rounded())
    }

    /// The pixel indices `lower ..< upper` covered by the continuous interval, intersected with
    /// `0 ..< size`; `nil` when nothing remains.
    static func clippedRange(from lower: Double, to upper: Double, size: Int) -> Range<Int>? {
        guard lower.isFinite, upper.isFinite else { return nil }
        let start = max(Int(min(max(lower, -limit), limit).rounded(.down)), 0)
        let end = min(Int(min(max(upper, -limit), limit).rounded(.up)), size)
        return start < end ? start..<end : nil
    }

    /// Clamps a blending factor to `0 ... 1`; `nil` for NaN.
    static func opacity(_ alpha: Double) -> Double? {
        alpha.isNaN ? nil : min(max(alpha, 0), 1)
    }
}
