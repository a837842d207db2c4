import Foundation
import VisTensor

/// `--repeat N`: one untimed warm-up pass, then N timed passes, each with the model's per-stage
/// profile; the report gives the median and minimum of the whole pass and each stage's median.
struct ForwardTiming {
    /// Seconds of each timed pass, in order.
    let passes: [Double]
    /// Per-stage medians over the timed passes, in the model's stage order.
    let profile: [(name: String, seconds: Double)]
    let threads: Int
    let peakRSSMegabytes: Double

    /// Runs `pass` once without timing, then `repeats` times timed. `pass` gets `true` when it
    /// should profile its stages and returns its output with the stages' seconds (or `nil`).
    /// Returns the last timed pass's output.
    static func run<Output>(repeats: Int, _ pass: (_ profile: Bool) throws -> (Output, [(name: String, seconds: Double)]?)) rethrows
        -> (Output, ForwardTiming) {
        var output = try pass(false).0
        let clock = ContinuousClock()
        var passes: [Double] = []
        var stageRuns: [[(name: String, seconds: Double)]] = []
        for _ in 0..<repeats {
            let start = clock.now
            let (result, stages) = try pass(true)
            passes.append(seconds(clock.now - start))
            if let stages { stageRuns.append(stages) }
            output = result
        }
        let profile = (stageRuns.first ?? []).indices.map { index in
            (name: stageRuns[0][index].name, seconds: median(stageRuns.map { $0[index].seconds }))
        }
        return (output, ForwardTiming(passes: passes, profile: profile, threads: Parallelism.threadCount,
                                      peakRSSMegabytes: PeakMemory.megabytes))
    }

    var medianSeconds: Double { Self.median(passes) }
    var minimumSeconds: Double { passes.min() ?? 0 }

    /// The `--timing-json` object, on one line.
    func json(outputs: String?) -> String {
        let profileMembers = profile.map { "\(JSONOutput.string($0.name)):\(JSONOutput.number($0.seconds))" }
        let members = [
            "\"median_s\":\(JSONOutput.number(medianSeconds))",
            "\"min_s\":\(JSONOutput.number(minimumSeconds))",
            "\"repeats\":\(passes.count)",
            "\"threads\":\(threads)",
            "\"peak_rss_mb\":\(JSONOutput.number(peakRSSMegabytes))",
            "\"profile\":{\(profileMembers.joined(separator: ","))}",
            "\"outputs\":\(outputs.map(JSONOutput.string) ?? "null")",
        ]
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The human-readable report (milliseconds, so that small stages do not round to zero).
    var text: String {
        var lines = [String(format: "forward x%d after 1 warm-up, %d thread%@: median %.3f ms, min %.3f ms, peak RSS %.1f MB",
                            passes.count, threads, threads == 1 ? "" : "s", medianSeconds * 1000, minimumSeconds * 1000, peakRSSMegabytes)]
        if !profile.isEmpty {
            let width = profile.map(\.name.count).max()!
            lines.append("stage medians:")
            for (name, seconds) in profile {
                lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %10.3f ms", seconds * 1000))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// The median (mean of the middle two for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
