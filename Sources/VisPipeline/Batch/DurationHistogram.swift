import Foundation

/// Percentiles of many durations in fixed memory: durations fall into logarithmic buckets 1% wide
/// (from 1 µs up), so a percentile is exact to about 1% however many images a run has.
struct DurationHistogram {
    private static let growth = 1.01
    private static let smallest = 0.001  // milliseconds
    private var buckets: [Int: Int] = [:]
    private(set) var count = 0

    mutating func add(milliseconds: Double) {
        let index = milliseconds <= Self.smallest ? 0 : Int((log(milliseconds / Self.smallest) / log(Self.growth)).rounded(.down)) + 1
        buckets[index, default: 0] += 1
        count += 1
    }

    /// The `fraction` (0...1) quantile in milliseconds (geometric centre of its bucket); `nil` when empty.
    func quantile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for index in buckets.keys.sorted() {
            seen += buckets[index]!
            if seen >= rank {
                if index == 0 { return Self.smallest }
                return Self.smallest * pow(Self.growth, Double(index - 1) + 0.5)
            }
        }
        return nil
    }
}
