/// Intersection over union of COCO boxes, as pycocotools' bbox IoU defines it.
enum BoxOverlap {
    /// The overlap of `detection` with `groundTruth`. Against a crowd region the union is the
    /// detection's own area, so a detection inside a crowd scores 1 however large the crowd is.
    static func iou(detection: CocoBox, groundTruth: CocoBox, groundTruthIsCrowd: Bool) -> Double {
        let width = min(detection.x + detection.width, groundTruth.x + groundTruth.width) - max(detection.x, groundTruth.x)
        guard width > 0 else { return 0 }
        let height = min(detection.y + detection.height, groundTruth.y + groundTruth.height) - max(detection.y, groundTruth.y)
        guard height > 0 else { return 0 }
        let intersection = width * height
        let detectionArea = detection.width * detection.height
        let union = groundTruthIsCrowd ? detectionArea : detectionArea + groundTruth.width * groundTruth.height - intersection
        return intersection / union
    }
}
