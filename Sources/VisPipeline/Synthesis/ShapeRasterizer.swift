/// One placed shape: kind, centre and circumradius in pixels, rotation in whole degrees.
public struct PlacedShape: Sendable, Equatable {
    public var kind: ShapeKind
    public var centerX: Int
    public var centerY: Int
    public var radius: Int
    public var rotationDegrees: Int
}

/// Rasterises shapes to binary coverage (anti-aliasing off): a pixel belongs to a shape when its
/// centre lies inside it. Binary coverage keeps masks exact, so annotations match the pixels.
enum ShapeRasterizer {
    /// Calls `body(x, y)` for every pixel of a `width`×`height` image that the shape covers.
    static func forEachCoveredPixel(of shape: PlacedShape, width: Int, height: Int, _ body: (Int, Int) -> Void) {
        let r = shape.radius
        let x0 = max(0, shape.centerX - r), x1 = min(width - 1, shape.centerX + r)
        let y0 = max(0, shape.centerY - r), y1 = min(height - 1, shape.centerY + r)
        guard x0 <= x1, y0 <= y1 else { return }
        let polygon = vertices(of: shape)
        let r2 = Double(r) * Double(r)
        for y in y0...y1 {
            let py = Double(y) + 0.5
            for x in x0...x1 {
                let px = Double(x) + 0.5
                let inside: Bool
                if let polygon {
                    inside = contains(polygon, px, py)
                } else {
                    let dx = px - Double(shape.centerX), dy = py - Double(shape.centerY)
                    inside = dx * dx + dy * dy <= r2
                }
                if inside { body(x, y) }
            }
        }
    }

    /// Polygon vertices in pixel coordinates, or nil for a circle.
    static func vertices(of shape: PlacedShape) -> [(Double, Double)]? {
        let radii: [Double]
        let r = Double(shape.radius)
        switch shape.kind {
        case .circle: return nil
        case .square: radii = [Double](repeating: r, count: 4)
        case .triangle: radii = [Double](repeating: r, count: 3)
        case .pentagon: radii = [Double](repeating: r, count: 5)
        case .hexagon: radii = [Double](repeating: r, count: 6)
        case .star: radii = (0..<10).map { $0 % 2 == 0 ? r : r * 0.45 }
        }
        let n = radii.count
        // Vertex angles are whole degrees only when 360/n is; for n in {3,4,5,6,10} it is.
        return (0..<n).map { i in
            let (s, c) = DeterministicTrig.sinCos(degrees: shape.rotationDegrees - 90 + i * 360 / n)
            return (Double(shape.centerX) + radii[i] * c, Double(shape.centerY) + radii[i] * s)
        }
    }

    /// Even-odd crossing test (handles the non-convex star).
    private static func contains(_ polygon: [(Double, Double)], _ px: Double, _ py: Double) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in 0..<polygon.count {
            let (xi, yi) = polygon[i], (xj, yj) = polygon[j]
            if (yi > py) != (yj > py) {
                let crossX = xi + (py - yi) * (xj - xi) / (yj - yi)
                if px < crossX { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
