/// A closed range of object areas (pixels²) that a statistic is restricted to.
public struct CocoAreaRange: Sendable, Equatable {
    public var label: String
    public var lowerBound: Double
    public var upperBound: Double

    public init(label: String, lowerBound: Double, upperBound: Double) {
        self.label = label; self.lowerBound = lowerBound; self.upperBound = upperBound
    }

    /// Both ends are inside, as in pycocotools.
    func contains(_ area: Double) -> Bool { area >= lowerBound && area <= upperBound }

    public static let all = CocoAreaRange(label: "all", lowerBound: 0, upperBound: 1e10)
    public static let small = CocoAreaRange(label: "small", lowerBound: 0, upperBound: 32 * 32)
    public static let medium = CocoAreaRange(label: "medium", lowerBound: 32 * 32, upperBound: 96 * 96)
    public static let large = CocoAreaRange(label: "large", lowerBound: 96 * 96, upperBound: 1e10)
}

/// The fixed settings of COCO bbox evaluation.
enum CocoEvaluationParameters {
    /// 0.50, 0.55, …, 0.95, computed the way numpy's `linspace` does so that thresholds compare
    /// exactly as in pycocotools.
    static let iouThresholds: [Double] = evenlySpaced(from: 0.5, to: 0.95, count: 10)
    /// 0.00, 0.01, …, 1.00: the recall levels of the interpolated precision.
    static let recallThresholds: [Double] = evenlySpaced(from: 0, to: 1, count: 101)
    static let areaRanges: [CocoAreaRange] = [.all, .small, .medium, .large]
    static let maxDetections: [Int] = [1, 10, 100]

    private static func evenlySpaced(from start: Double, to end: Double, count: Int) -> [Double] {
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? end : Double($0) * step + start }
    }
}
