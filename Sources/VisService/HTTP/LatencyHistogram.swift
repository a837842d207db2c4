/// A cumulative Prometheus histogram of durations in seconds: fixed bucket upper bounds, a count
/// and a sum. Value type; `ServiceMetrics` keeps one per label set under its lock.
public struct LatencyHistogram: Sendable {
    /// Upper bounds in seconds, ascending (`+Inf` is implicit).
    public static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Observations at or below each bound (not cumulative; summed when exported).
    public private(set) var bucketCounts = [UInt64](repeating: 0, count: LatencyHistogram.bucketBounds.count)
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0

    public init() {}

    public mutating func observe(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        count += 1
        sum += seconds
        if let index = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { bucketCounts[index] += 1 }
    }

    /// Appends the `_bucket`, `_sum` and `_count` lines for `name` with the extra `labels`
    /// (already rendered as `key="value"` pairs, may be empty).
    func write(name: String, labels: String, into text: inout String) {
        let prefix = labels.isEmpty ? "" : labels + ","
        var cumulative: UInt64 = 0
        for (bound, bucketCount) in zip(Self.bucketBounds, bucketCounts) {
            cumulative += bucketCount
            text += "\(name)_bucket{\(prefix)le=\"\(PrometheusText.number(bound))\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        let suffix = labels.isEmpty ? "" : "{\(labels)}"
        text += "\(name)_sum\(suffix) \(PrometheusText.number(sum))\n"
        text += "\(name)_count\(suffix) \(count)\n"
    }
}
