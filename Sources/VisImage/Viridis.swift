/// The viridis colour map (Stéfan van der Walt and Nathaniel Smith, 2015; released under CC0),
/// as a 256-entry table matching matplotlib's `viridis`.
///
/// The table is rebuilt from 33 control points: matplotlib's published viridis entries
/// 0, 8, 16, …, 248 and 255 (`lib/matplotlib/_cm_listed.py`, `_viridis_data`), joined by linear
/// interpolation in RGB. Control entries (including 0, 128 and 255) are exact; in between the
/// table is within 2 levels of matplotlib's.
public enum Viridis {
    /// (table index, red, green, blue) with channels in 0...1.
    static let controlPoints: [(index: Int, r: Double, g: Double, b: Double)] = [
        (0, 0.267004, 0.004874, 0.329415),
        (8, 0.277018, 0.050344, 0.375715),
        (16, 0.282327, 0.094955, 0.417331),
        (24, 0.282884, 0.135920, 0.453427),
        (32, 0.278826, 0.175490, 0.483397),
        (40, 0.270595, 0.214069, 0.507052),
        (48, 0.258965, 0.251537, 0.524736),
        (56, 0.244972, 0.287675, 0.537260),
        (64, 0.229739, 0.322361, 0.545706),
        (72, 0.214298, 0.355619, 0.551184),
        (80, 0.199430, 0.387607, 0.554642),
        (88, 0.185556, 0.418570, 0.556753),
        (96, 0.172719, 0.448791, 0.557885),
        (104, 0.160665, 0.478540, 0.558115),
        (112, 0.149039, 0.508051, 0.557250),
        (120, 0.137770, 0.537492, 0.554906),
        (128, 0.127568, 0.566949, 0.550556),
        (136, 0.120565, 0.596422, 0.543611),
        (144, 0.120638, 0.625828, 0.533488),
        (152, 0.132268, 0.655014, 0.519661),
        (160, 0.157851, 0.683765, 0.501686),
        (168, 0.196571, 0.711827, 0.479221),
        (176, 0.246070, 0.738910, 0.452024),
        (184, 0.304148, 0.764704, 0.419943),
        (192, 0.369214, 0.788888, 0.382914),
        (200, 0.440137, 0.811138, 0.340967),
        (208, 0.515992, 0.831158, 0.294279),
        (216, 0.595839, 0.848717, 0.243329),
        (224, 0.678489, 0.863742, 0.189503),
        (232, 0.762373, 0.876424, 0.137064),
        (240, 0.845561, 0.887322, 0.099702),
        (248, 0.926106, 0.897330, 0.104071),
        (255, 0.993248, 0.906157, 0.143936),
    ]

    /// 256 colours from dark purple (low) through teal to yellow (high).
    public static let table: [RGBColor] = {
        var colors: [RGBColor] = []
        colors.reserveCapacity(256)
        for (lower, upper) in zip(controlPoints, controlPoints.dropFirst()) {
            let span = Double(upper.index - lower.index)
            for index in lower.index..<upper.index {
                let t = Double(index - lower.index) / span
                colors.append(RGBColor(channel(lower.r, upper.r, t), channel(lower.g, upper.g, t),
                                       channel(lower.b, upper.b, t)))
            }
        }
        let last = controlPoints[controlPoints.count - 1]
        colors.append(RGBColor(channel(last.r, last.r, 0), channel(last.g, last.g, 0), channel(last.b, last.b, 0)))
        return colors
    }()

    private static func channel(_ a: Double, _ b: Double, _ t: Double) -> UInt8 {
        UInt8(((a + (b - a) * t) * 255).rounded())
    }

    /// The colour for `value` in 0...1 (clamped; NaN maps to 0), picking the nearest table entry.
    public static func color(at value: Double) -> RGBColor {
        table[index(for: value)]
    }

    /// Table index for `value` in 0...1: `round(value * 255)`, clamped; NaN gives 0.
    static func index(for value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        return Int((min(max(value, 0), 1) * 255).rounded())
    }
}
