/// Writes progress in one `ProgressStyle`. Owned by the runner's coordinating task (not shared).
struct ProgressReporter {
    let style: ProgressStyle
    /// Seconds between status lines (`lines`, `json`); the bar redraws at most 10 times a second.
    let interval: Duration
    let write: @Sendable (String) -> Void
    private var lastReport: ContinuousClock.Instant?
    private var barVisible = false

    init(style: ProgressStyle, interval: Duration, write: @escaping @Sendable (String) -> Void) {
        self.style = style; self.interval = interval; self.write = write
    }

    mutating func started(pipeline: String, hash: String, outputFolder: String, resumed: Bool) {
        switch style {
        case .quiet: break
        case .bar, .lines:
            write("vispipe run: pipeline \(pipeline) (\(hash.prefix(12))), writing to \(outputFolder)\(resumed ? " (resuming)" : "")\n")
        case .json:
            event("start") { json in
                json.key("pipeline"); json.string(pipeline)
                json.key("hash"); json.string(hash)
                json.key("output_folder"); json.string(outputFolder)
                json.key("resume"); json.bool(resumed)
            }
        }
    }

    mutating func warning(_ message: String) {
        switch style {
        case .quiet: break
        case .bar, .lines: clearBar(); write("vispipe run: warning: \(message)\n")
        case .json: event("warning") { json in json.key("message"); json.string(message) }
        }
    }

    mutating func failure(path: String, failure: StageFailure) {
        switch style {
        case .quiet: break
        case .bar, .lines: clearBar(); write("failed: \(path): \(failure.stage): \(failure.message)\n")
        case .json:
            event("failure") { json in
                json.key("path"); json.string(path)
                json.key("stage"); json.string(failure.stage)
                json.key("error"); json.string(failure.message)
            }
        }
    }

    /// Called after every finished image; reports only when the interval has passed.
    mutating func update(_ snapshot: ProgressSnapshot) {
        guard style != .quiet else { return }
        let now = ContinuousClock.now
        let spacing = style == .bar ? Duration.milliseconds(100) : interval
        if let lastReport, now - lastReport < spacing { return }
        lastReport = now
        report(snapshot)
    }

    mutating func finished(_ snapshot: ProgressSnapshot, status: String) {
        switch style {
        case .quiet: break
        case .bar, .lines:
            if style == .bar { report(snapshot); write("\n"); barVisible = false }
            write("vispipe run: \(status): \(snapshot.done) processed, \(snapshot.failed) failed, "
                  + "\(snapshot.skipped) skipped in \(Self.clock(snapshot.seconds))\n")
        case .json:
            event("finish") { json in
                json.key("status"); json.string(status)
                Self.counts(snapshot, into: &json)
            }
        }
    }

    private mutating func report(_ snapshot: ProgressSnapshot) {
        switch style {
        case .quiet: break
        case .bar:
            write("\r\u{1B}[K" + Self.barLine(snapshot))
            barVisible = true
        case .lines:
            write("vispipe run: " + Self.statusText(snapshot) + "\n")
        case .json:
            event("progress") { json in Self.counts(snapshot, into: &json) }
        }
    }

    private mutating func clearBar() {
        if barVisible { write("\r\u{1B}[K"); barVisible = false }
    }

    private func event(_ name: String, _ fields: (inout JSONText) -> Void) {
        var json = JSONText()
        json.beginObject()
        json.key("event"); json.string(name)
        fields(&json)
        json.endObject()
        write(json.text + "\n")
    }

    private static func counts(_ snapshot: ProgressSnapshot, into json: inout JSONText) {
        json.key("done"); json.integer(snapshot.done)
        json.key("failed"); json.integer(snapshot.failed)
        json.key("skipped"); json.integer(snapshot.skipped)
        json.key("total"); if let total = snapshot.total { json.integer(total) } else { json.null() }
        json.key("images_per_second"); json.number((snapshot.rate * 100).rounded() / 100)
        json.key("eta_seconds"); if let eta = snapshot.etaSeconds { json.number(eta.rounded()) } else { json.null() }
        json.key("elapsed_seconds"); json.number((snapshot.seconds * 10).rounded() / 10)
    }

    /// `[########------------]  120/2000  4.1 img/s  ETA 7m38s  3 failed`
    static func barLine(_ snapshot: ProgressSnapshot, width: Int = 24) -> String {
        let finished = snapshot.done + snapshot.skipped
        var line: String
        if let total = snapshot.total, total > 0 {
            let filled = min(width, width * finished / total)
            line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(finished)/\(total)"
        } else {
            line = "\(finished) done (counting…)"
        }
        line += "  " + rateText(snapshot.rate)
        if let eta = snapshot.etaSeconds { line += "  ETA " + clock(eta) }
        if snapshot.failed > 0 { line += "  \(snapshot.failed) failed" }
        return line
    }

    /// `120/2000 done, 3 failed, 4.1 img/s, ETA 7m38s`
    static func statusText(_ snapshot: ProgressSnapshot) -> String {
        let finished = snapshot.done + snapshot.skipped
        var text = snapshot.total.map { "\(finished)/\($0) done" } ?? "\(finished) done"
        text += ", \(snapshot.failed) failed"
        if snapshot.skipped > 0 { text += ", \(snapshot.skipped) skipped" }
        text += ", " + rateText(snapshot.rate)
        if let eta = snapshot.etaSeconds { text += ", ETA " + clock(eta) }
        return text
    }

    static func rateText(_ rate: Double) -> String {
        rate >= 10 ? "\(Int(rate.rounded())) img/s" : "\((rate * 10).rounded() / 10) img/s"
    }

    /// `42s`, `7m38s`, `1h02m`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + String(format2: total % 60) + "s" }
        return "\(total / 3600)h" + String(format2: (total % 3600) / 60) + "m"
    }
}

private extension String {
    /// Two digits, zero-padded.
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
