/// An axis-aligned box in pixels of the original image: `(xmin, ymin)` top-left, `(xmax, ymax)`
/// bottom-right, as the transformers object-detection pipeline reports it.
public struct BoundingBox: Sendable, Equatable, Codable {
    public var xmin: Float
    public var ymin: Float
    public var xmax: Float
    public var ymax: Float

    public init(xmin: Float, ymin: Float, xmax: Float, ymax: Float) {
        self.xmin = xmin; self.ymin = ymin; self.xmax = xmax; self.ymax = ymax
    }

    public var width: Float { xmax - xmin }
    public var height: Float { ymax - ymin }
}

/// One detected object: its class (id and name from the model's `id2label`), score and box.
public struct Detection: Sendable, Equatable, Codable {
    public var score: Float
    public var labelID: Int
    public var label: String
    public var box: BoundingBox

    public init(score: Float, labelID: Int, label: String, box: BoundingBox) {
        self.score = score; self.labelID = labelID; self.label = label; self.box = box
    }
}
