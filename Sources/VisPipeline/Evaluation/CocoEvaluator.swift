/// COCO bounding-box evaluation with the algorithm of pycocotools' `COCOeval` (iouType "bbox").
public enum CocoEvaluator {
    /// Evaluates `detections` against `groundTruth`: every category listed in the ground truth,
    /// every image, IoU thresholds 0.50:0.05:0.95, 101 recall levels, areas all/small/medium/large
    /// and detection limits 1/10/100 per image and category.
    public static func evaluate(groundTruth: CocoGroundTruth, detections: [CocoDetection]) -> CocoEvaluationSummary {
        let thresholds = CocoEvaluationParameters.iouThresholds
        let limits = CocoEvaluationParameters.maxDetections
        let largestLimit = limits.max() ?? 100
        struct Key: Hashable { var imageID: Int; var categoryID: Int }
        let objectsByKey = Dictionary(grouping: groundTruth.objects) { Key(imageID: $0.imageID, categoryID: $0.categoryID) }
        let detectionsByKey = Dictionary(grouping: detections) { Key(imageID: $0.imageID, categoryID: $0.categoryID) }

        // curves[area][limit][category]: nil where the category has no counted ground truth.
        var curves: [[[PrecisionRecallCurve?]]] = []
        for area in CocoEvaluationParameters.areaRanges {
            var perCategory: [[ImageCategoryMatches]] = []
            for category in groundTruth.categoryIDs {
                // Matching runs once with the largest limit; smaller limits keep a prefix of it.
                perCategory.append(groundTruth.imageIDs.compactMap { image in
                    let key = Key(imageID: image, categoryID: category)
                    return ImageCategoryMatching.match(groundTruth: objectsByKey[key] ?? [], detections: detectionsByKey[key] ?? [],
                                                       areaRange: area, maxDetections: largestLimit, iouThresholds: thresholds)
                })
            }
            curves.append(limits.map { limit in
                perCategory.map {
                    PrecisionRecallAccumulation.curve(of: $0, maxDetections: limit, iouThresholdCount: thresholds.count,
                                                      recallThresholds: CocoEvaluationParameters.recallThresholds)
                }
            })
        }

        func statistic(_ kind: String, iou: Double?, area: CocoAreaRange, limit: Int) -> CocoStatistic {
            let areaIndex = CocoEvaluationParameters.areaRanges.firstIndex(of: area)!
            let limitIndex = limits.firstIndex(of: limit)!
            let thresholdIndices = iou.map { value in [thresholds.firstIndex { abs($0 - value) < 1e-9 }!] } ?? Array(thresholds.indices)
            var values: [Double] = []
            for case let curve? in curves[areaIndex][limitIndex] {
                for t in thresholdIndices { values += kind == "AP" ? curve.precision[t] : [curve.recall[t]] }
            }
            let value = values.isEmpty ? -1 : values.reduce(0, +) / Double(values.count)
            return CocoStatistic(kind: kind, iouThreshold: iou, areaRange: area, maxDetections: limit, value: value)
        }
        return CocoEvaluationSummary(statistics: [
            statistic("AP", iou: nil, area: .all, limit: 100),
            statistic("AP", iou: 0.5, area: .all, limit: 100),
            statistic("AP", iou: 0.75, area: .all, limit: 100),
            statistic("AP", iou: nil, area: .small, limit: 100),
            statistic("AP", iou: nil, area: .medium, limit: 100),
            statistic("AP", iou: nil, area: .large, limit: 100),
            statistic("AR", iou: nil, area: .all, limit: 1),
            statistic("AR", iou: nil, area: .all, limit: 10),
            statistic("AR", iou: nil, area: .all, limit: 100),
            statistic("AR", iou: nil, area: .small, limit: 100),
            statistic("AR", iou: nil, area: .medium, limit: 100),
            statistic("AR", iou: nil, area: .large, limit: 100),
        ])
    }
}
