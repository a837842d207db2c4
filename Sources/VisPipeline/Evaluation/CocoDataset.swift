/// An axis-aligned box in COCO's `[x, y, width, height]` form (pixels, top-left origin).
public struct CocoBox: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

/// One ground-truth object from a COCO `instances.json` file.
public struct CocoGroundTruthObject: Sendable, Equatable {
    public var id: Int
    public var imageID: Int
    public var categoryID: Int
    public var box: CocoBox
    /// The annotation's `area` field (the segmentation's area in COCO, not the box's): it decides
    /// the small/medium/large range, as in pycocotools.
    public var area: Double
    /// Crowd regions never count as misses and may absorb any number of detections.
    public var isCrowd: Bool

    public init(id: Int, imageID: Int, categoryID: Int, box: CocoBox, area: Double, isCrowd: Bool) {
        self.id = id; self.imageID = imageID; self.categoryID = categoryID
        self.box = box; self.area = area; self.isCrowd = isCrowd
    }
}

/// The ground truth of a COCO dataset: its images, categories and objects.
public struct CocoGroundTruth: Sendable, Equatable {
    /// Image ids, ascending (the order pycocotools evaluates them in).
    public var imageIDs: [Int]
    /// Category ids, ascending; every listed category is evaluated, even one without objects.
    public var categoryIDs: [Int]
    public var objects: [CocoGroundTruthObject]

    public init(imageIDs: [Int], categoryIDs: [Int], objects: [CocoGroundTruthObject]) {
        self.imageIDs = imageIDs.sorted(); self.categoryIDs = categoryIDs.sorted(); self.objects = objects
    }
}

/// One scored detection from a COCO results file.
public struct CocoDetection: Sendable, Equatable {
    public var imageID: Int
    public var categoryID: Int
    public var box: CocoBox
    public var score: Double

    public init(imageID: Int, categoryID: Int, box: CocoBox, score: Double) {
        self.imageID = imageID; self.categoryID = categoryID; self.box = box; self.score = score
    }

    /// A detection's area is its box's area (pycocotools' `loadRes` for bbox results).
    public var area: Double { box.width * box.height }
}
