/// Interpolated precision and recall of one category, area range and detection limit, pooled
/// over all images (pycocotools' `accumulate`).
struct PrecisionRecallCurve {
    /// `precision[t][r]`: the best precision at recall ≥ `recallThresholds[r]`, IoU threshold `t`.
    var precision: [[Double]]
    /// `recall[t]`: the recall reached with every kept detection at IoU threshold `t`.
    var recall: [Double]
}

enum PrecisionRecallAccumulation {
    /// Pools `matches` (one entry per image that has ground truth or detections), keeping each
    /// image's `maxDetections` best detections. Nil when no ground-truth object counts, which the
    /// summary reports as -1 (no data) rather than 0.
    static func curve(of matches: [ImageCategoryMatches], maxDetections: Int, iouThresholdCount: Int,
                      recallThresholds: [Double]) -> PrecisionRecallCurve? {
        let counted = matches.reduce(0) { $0 + $1.countedGroundTruth }
        if counted == 0 { return nil }
        var scores: [Double] = []
        var matched = [[Bool]](repeating: [], count: iouThresholdCount)
        var ignored = matched
        for image in matches {
            let kept = min(maxDetections, image.detectionScores.count)
            scores += image.detectionScores.prefix(kept)
            for t in 0..<iouThresholdCount {
                matched[t] += image.isMatched[t].prefix(kept)
                ignored[t] += image.isIgnored[t].prefix(kept)
            }
        }
        // Highest score first; ties keep image order, as numpy's mergesort does.
        let order = ImageCategoryMatching.stableOrder(scores.map { -$0 })
        var precision: [[Double]] = []
        var recall: [Double] = []
        for t in 0..<iouThresholdCount {
            var truePositives = 0.0, falsePositives = 0.0
            var recalls: [Double] = [], precisions: [Double] = []
            for d in order where !ignored[t][d] {
                if matched[t][d] { truePositives += 1 } else { falsePositives += 1 }
                recalls.append(truePositives / Double(counted))
                precisions.append(truePositives / (truePositives + falsePositives + Double.ulpOfOne))
            }
            recall.append(recalls.last ?? 0)
            // The precision envelope: never lower than at any higher recall.
            if precisions.count > 1 {
                for i in stride(from: precisions.count - 1, to: 0, by: -1) where precisions[i] > precisions[i - 1] {
                    precisions[i - 1] = precisions[i]
                }
            }
            // Precision at the first recall ≥ each threshold; 0 past the highest recall reached.
            var sampled = [Double](repeating: 0, count: recallThresholds.count)
            var position = 0
            for (r, threshold) in recallThresholds.enumerated() {
                while position < recalls.count && recalls[position] < threshold { position += 1 }
                if position == recalls.count { break }
                sampled[r] = precisions[position]
            }
            precision.append(sampled)
        }
        return PrecisionRecallCurve(precision: precision, recall: recall)
    }
}
