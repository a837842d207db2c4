import VisImage

/// A pixel position, for sets of painted pixels in drawing tests.
struct PixelPosition: Hashable, CustomStringConvertible {
    let x: Int
    let y: Int
    init(_ x: Int, _ y: Int) { self.x = x; self.y = y }
    var description: String { "(\(x), \(y))" }
}

extension RGBImage {
    /// Positions of all pixels equal to `color`.
    func positions(of color: RGBColor) -> Set<PixelPosition> {
        var found = Set<PixelPosition>()
        for y in 0..<height { for x in 0..<width where self[x, y] == color { found.insert(PixelPosition(x, y)) } }
        return found
    }

    /// Positions of all pixels different from `color`.
    func positions(differentFrom color: RGBColor) -> Set<PixelPosition> {
        var found = Set<PixelPosition>()
        for y in 0..<height { for x in 0..<width where self[x, y] != color { found.insert(PixelPosition(x, y)) } }
        return found
    }
}

let drawingBackground = RGBColor(10, 20, 30)
let paint = RGBColor(250, 40, 5)
