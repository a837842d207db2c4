/// The shape taxonomy of ShapesWorld; the raw value is the COCO category name and the case order
/// gives the category ids (1-based).
public enum ShapeKind: String, CaseIterable, Sendable {
    case circle, square, triangle, pentagon, hexagon, star

    /// The COCO category id (1-based, in declaration order).
    public var categoryID: Int { ShapeKind.allCases.firstIndex(of: self)! + 1 }
}

/// The named fill colours of ShapesWorld (a COCO annotation attribute, not a category).
public enum ShapeColour: String, CaseIterable, Sendable {
    case red, green, blue, yellow, cyan, magenta, orange, purple

    /// The colour's RGB value before the scene's lighting change.
    public var rgb: (r: Int, g: Int, b: Int) {
        switch self {
        case .red: return (220, 30, 30)
        case .green: return (30, 190, 40)
        case .blue: return (30, 60, 220)
        case .yellow: return (240, 220, 30)
        case .cyan: return (30, 210, 220)
        case .magenta: return (220, 40, 200)
        case .orange: return (245, 140, 20)
        case .purple: return (120, 40, 170)
        }
    }
}
