/// How a batch run reports progress on stderr.
public enum ProgressStyle: String, Sendable, CaseIterable {
    /// Nothing.
    case quiet
    /// One line redrawn in place (for a terminal): a bar with done/total, images/s, ETA, failures.
    case bar
    /// A plain status line every few seconds, and one line per failed image (for logs).
    case lines
    /// One JSON object per line and event: `start`, `progress`, `failure`, `warning`, `finish`.
    case json
}

/// Counts shown by progress reports.
struct ProgressSnapshot {
    /// Images finished by this invocation (succeeded or failed).
    var done: Int
    var failed: Int
    /// Images skipped because a previous run committed them.
    var skipped: Int
    /// All images in the inputs, once counting has finished.
    var total: Int?
    /// Time since processing started.
    var elapsed: Duration

    var seconds: Double { Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18 }
    /// Images per second finished by this invocation.
    var rate: Double { seconds > 0 ? Double(done) / seconds : 0 }
    /// Images left to process.
    var remaining: Int? { total.map { max(0, $0 - skipped - done) } }
    /// Estimated seconds to finish, when the total and a rate are known.
    var etaSeconds: Double? {
        guard let remaining, rate > 0 else { return nil }
        return Double(remaining) / rate
    }
}
