/// Non-maximum suppression, as torchvision's `ops.nms` (and, per label, `ops.batched_nms`)
/// computes it: detections are visited from the highest score down, and each one is dropped when
/// its intersection over union with an already kept detection (of the same label, when
/// `perLabel`) is above `iouThreshold`. The kept detections come highest score first; equal
/// scores keep their input order.
///
/// DETR's set loss is meant to make this unnecessary, but a small model still stacks a few boxes
/// on objects it is unsure of, and each extra box is a false positive for COCO AP.
public struct NonMaximumSuppression: Sendable {
    /// A detection overlapping a better one by more than this (IoU) is dropped.
    public var iouThreshold: Float
    /// Only detections with the same label suppress each other (torchvision's `batched_nms`).
    public var perLabel: Bool

    public init(iouThreshold: Float = 0.5, perLabel: Bool = true) {
        self.iouThreshold = iouThreshold
        self.perLabel = perLabel
    }

    /// The detections that survive, highest score first.
    public func apply(_ detections: [Detection]) -> [Detection] {
        var kept: [Detection] = []
        for candidate in detections.sortedByScore() {
            let overlapsBetter = kept.contains { better in
                (!perLabel || better.labelID == candidate.labelID)
                    && Self.intersectionOverUnion(better.box, candidate.box) > iouThreshold
            }
            if !overlapsBetter { kept.append(candidate) }
        }
        return kept
    }

    /// Intersection over union of two boxes in float32, with torchvision's formula (degenerate
    /// boxes have zero area; two of them give NaN, which suppresses nothing).
    public static func intersectionOverUnion(_ a: BoundingBox, _ b: BoundingBox) -> Float {
        let width = max(0, min(a.xmax, b.xmax) - max(a.xmin, b.xmin))
        let height = max(0, min(a.ymax, b.ymax) - max(a.ymin, b.ymin))
        let intersection = width * height
        return intersection / (a.width * a.height + b.width * b.height - intersection)
    }
}
