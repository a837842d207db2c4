/// Fixed, clearly distinct colours for drawing class labels: the same label id always gets the
/// same colour across runs and images. Ids beyond the palette wrap around.
public enum ClassPalette {
    /// Number of colours before ids wrap around.
    public static let count = 20

    /// Hues step by the golden angle (about 137.5 degrees), so consecutive ids land far apart on
    /// the colour wheel; saturation and brightness alternate over three levels so that ids whose
    /// hues end up close still differ in tone. All colours are bright enough for white label text
    /// on a dark outline and vice versa.
    public static let colors: [RGBColor] = (0..<count).map { i in
        let goldenAngle = 137.50776405
        let hue = (Double(i) * goldenAngle).truncatingRemainder(dividingBy: 360)
        let tones: [(saturation: Double, value: Double)] = [(0.85, 0.95), (0.65, 0.80), (0.95, 0.70)]
        let tone = tones[i % tones.count]
        return hsvToRGB(hue: hue, saturation: tone.saturation, value: tone.value)
    }

    /// The colour for class `label` (any integer; negative ids wrap too).
    public static func color(for label: Int) -> RGBColor {
        colors[((label % count) + count) % count]
    }

    /// Standard HSV to RGB conversion; `hue` in degrees.
    static func hsvToRGB(hue: Double, saturation: Double, value: Double) -> RGBColor {
        let chroma = value * saturation
        let sector = hue / 60
        let x = chroma * (1 - abs(sector.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double)
        switch Int(sector) % 6 {
        case 0: (r, g, b) = (chroma, x, 0)
        case 1: (r, g, b) = (x, chroma, 0)
        case 2: (r, g, b) = (0, chroma, x)
        case 3: (r, g, b) = (0, x, chroma)
        case 4: (r, g, b) = (x, 0, chroma)
        default: (r, g, b) = (chroma, 0, x)
        }
        let m = value - chroma
        func byte(_ c: Double) -> UInt8 { UInt8(((c + m) * 255).rounded()) }
        return RGBColor(byte(r), byte(g), byte(b))
    }
}
