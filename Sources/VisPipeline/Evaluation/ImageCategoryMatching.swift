/// The outcome of matching one image's detections of one category to its ground truth, for one
/// area range: the inputs of the precision/recall accumulation.
struct ImageCategoryMatches {
    /// Scores of the kept detections, highest first.
    var detectionScores: [Double]
    /// `isMatched[t][d]`: detection `d` matched a ground-truth object at IoU threshold `t`.
    var isMatched: [[Bool]]
    /// `isIgnored[t][d]`: detection `d` counts neither as hit nor as false alarm at threshold `t`.
    var isIgnored: [[Bool]]
    /// Number of ground-truth objects that count (not crowd, inside the area range).
    var countedGroundTruth: Int
}

/// pycocotools' greedy per-image matching (`evaluateImg`).
enum ImageCategoryMatching {
    /// Matches `detections` (one image, one category) to `groundTruth` for `areaRange`, keeping
    /// the `maxDetections` highest-scoring detections. Nil when there is neither ground truth nor
    /// a detection.
    static func match(groundTruth: [CocoGroundTruthObject], detections: [CocoDetection],
                      areaRange: CocoAreaRange, maxDetections: Int,
                      iouThresholds: [Double]) -> ImageCategoryMatches? {
        if groundTruth.isEmpty && detections.isEmpty { return nil }
        // Counted objects first, ignored ones last (stable), so that a detection prefers a
        // counted object and stops once only ignored ones remain.
        let ignoredFlags = groundTruth.map { $0.isCrowd || !areaRange.contains($0.area) }
        let objectOrder = stableOrder(groundTruth.indices.map { ignoredFlags[$0] ? 1.0 : 0.0 })
        let objects = objectOrder.map { groundTruth[$0] }
        let objectIgnored = objectOrder.map { ignoredFlags[$0] }
        let kept = stableOrder(detections.map { -$0.score }).prefix(maxDetections).map { detections[$0] }

        let ious = kept.map { detection in
            objects.map { BoxOverlap.iou(detection: detection.box, groundTruth: $0.box, groundTruthIsCrowd: $0.isCrowd) }
        }
        var isMatched = [[Bool]](repeating: [Bool](repeating: false, count: kept.count), count: iouThresholds.count)
        var isIgnored = isMatched
        for (t, threshold) in iouThresholds.enumerated() {
            var objectTaken = [Bool](repeating: false, count: objects.count)
            for d in kept.indices {
                var best = min(threshold, 1 - 1e-10)
                var match: Int?
                for g in objects.indices {
                    // A crowd region may take any number of detections; other objects only one.
                    if objectTaken[g] && !objects[g].isCrowd { continue }
                    // Once matched to a counted object, ignored objects (sorted last) cannot win.
                    if let current = match, !objectIgnored[current], objectIgnored[g] { break }
                    if ious[d][g] < best { continue }
                    best = ious[d][g]
                    match = g
                }
                guard let match else { continue }
                objectTaken[match] = true
                isMatched[t][d] = true
                isIgnored[t][d] = objectIgnored[match]
            }
            // A false alarm outside the area range belongs to another range's statistic.
            for d in kept.indices where !isMatched[t][d] && !areaRange.contains(kept[d].area) {
                isIgnored[t][d] = true
            }
        }
        return ImageCategoryMatches(detectionScores: kept.map(\.score), isMatched: isMatched, isIgnored: isIgnored,
                                    countedGroundTruth: objectIgnored.filter { !$0 }.count)
    }

    /// Indices that sort `keys` ascending, keeping the input order among equal keys (numpy's
    /// mergesort argsort).
    static func stableOrder(_ keys: [Double]) -> [Int] {
        keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }
}
