/// An axis-aligned block of whole pixels: columns `x ..< x + width`, rows `y ..< y + height`.
/// It may extend beyond an image; drawing clips it.
public struct PixelRegion: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < x + width && py >= y && py < y + height
    }
}
