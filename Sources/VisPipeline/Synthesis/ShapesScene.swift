/// One annotated object of a scene: what was drawn and the pixels of it that stay visible.
public struct SceneObject: Sendable, Equatable {
    public var shape: PlacedShape
    public var colour: ShapeColour
    /// Drawing order among the scene's drawn objects (0 is drawn first, i.e. furthest back).
    public var zOrder: Int
    /// Visible pixels, row-major `width*height`.
    public var mask: [Bool]
    /// Tight box of the visible pixels: x, y, width, height.
    public var bbox: (x: Int, y: Int, width: Int, height: Int)
    /// Visible pixel count.
    public var area: Int

    public static func == (a: SceneObject, b: SceneObject) -> Bool {
        a.shape == b.shape && a.colour == b.colour && a.zOrder == b.zOrder && a.mask == b.mask
            && a.bbox == b.bbox && a.area == b.area
    }
}

/// A generated scene: its pixels, the annotated objects, and how it was made.
public struct ShapesScene: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    /// Objects whose visible area reached the minimum, in drawing order.
    public var objects: [SceneObject]
    public var background: BackgroundTexture
    /// Lighting applied to the whole image: out = (in - 128) * contrastPercent / 100 + 128 + brightness.
    public var brightness: Int
    public var contrastPercent: Int
}
