/// The background textures of ShapesWorld, kept low-saturation so the coloured shapes stand out.
public enum BackgroundTexture: String, CaseIterable, Sendable {
    /// A grey level plus independent per-pixel noise.
    case noise
    /// Diagonal stripes of two grey levels.
    case stripes
    /// A checkerboard of two grey levels.
    case checker
    /// A vertical grey gradient with light noise.
    case gradient

    /// Fills a `width`×`height` RGB buffer (row-major, 3 bytes a pixel) using `rng`.
    func render(width: Int, height: Int, rng: inout SplitMix64) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let base = rng.int(in: 70...190)
        let other = base + (rng.int(in: 0...1) == 0 ? -1 : 1) * rng.int(in: 25...50)
        let tint = (rng.int(in: -12...12), rng.int(in: -12...12), rng.int(in: -12...12))
        let period = rng.int(in: 8...24)
        for y in 0..<height {
            for x in 0..<width {
                var level: Int
                switch self {
                case .noise: level = base + rng.int(in: -28...28)
                case .stripes: level = ((x + y) / period) % 2 == 0 ? base : other
                case .checker: level = ((x / period) + (y / period)) % 2 == 0 ? base : other
                case .gradient: level = base - 40 + 80 * y / max(1, height - 1) + rng.int(in: -6...6)
                }
                let offset = (y * width + x) * 3
                pixels[offset] = clampByte(level + tint.0)
                pixels[offset + 1] = clampByte(level + tint.1)
                pixels[offset + 2] = clampByte(level + tint.2)
            }
        }
        return pixels
    }
}

/// Clamps to 0...255.
@inline(__always) func clampByte(_ value: Int) -> UInt8 { UInt8(min(255, max(0, value))) }
