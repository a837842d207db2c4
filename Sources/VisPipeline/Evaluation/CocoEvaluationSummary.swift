/// One of the twelve summary numbers of COCO bbox evaluation.
public struct CocoStatistic: Sendable, Equatable {
    /// "AP" (average precision) or "AR" (average recall).
    public var kind: String
    /// The IoU threshold, or nil for the mean over 0.50:0.05:0.95.
    public var iouThreshold: Double?
    public var areaRange: CocoAreaRange
    public var maxDetections: Int
    /// The mean over categories with ground truth in the area range; -1 when there is none.
    public var value: Double

    /// A short key for JSON output: "AP", "AP50", "AP75", "APs", "AR1", "ARl", ….
    public var key: String {
        var key = kind
        if let iouThreshold { key += "\(Int((iouThreshold * 100).rounded()))" }
        if kind == "AR" && areaRange == .all { key += "\(maxDetections)" }
        if areaRange != .all { key += String(areaRange.label.prefix(1)) }
        return key
    }

    /// The line pycocotools' `summarize()` prints for this number.
    public var summaryLine: String {
        let title = kind == "AP" ? "Average Precision" : "Average Recall   "
        let iou = iouThreshold.map { String(format: "%0.2f     ", $0) } ?? "0.50:0.95"
        let area = String(repeating: " ", count: max(0, 6 - areaRange.label.count)) + areaRange.label
        let limit = String(repeating: " ", count: max(0, 3 - "\(maxDetections)".count)) + "\(maxDetections)"
        return " \(title)  (\(kind)) @[ IoU=\(iou) | area=\(area) | maxDets=\(limit) ] = \(String(format: "%0.3f", value))"
    }
}

/// The result of COCO bbox evaluation: pycocotools' `stats`, in its order.
public struct CocoEvaluationSummary: Sendable, Equatable {
    /// AP, AP50, AP75, AP small/medium/large, AR@1, AR@10, AR@100, AR small/medium/large.
    public var statistics: [CocoStatistic]

    /// The twelve values alone, as pycocotools' `stats` array.
    public var values: [Double] { statistics.map(\.value) }

    /// The summary table, one line per statistic.
    public var table: String { statistics.map(\.summaryLine).joined(separator: "\n") }
}
