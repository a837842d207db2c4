import Foundation

/// The HTTP service's counters, gauges and histograms, exported by `GET /metrics` in the Prometheus
/// text format. Written by hand (no metrics package) because the set is small and fixed.
///
/// Thread-safe: every field sits behind one lock; observations are a few dictionary updates.
public final class ServiceMetrics: @unchecked Sendable {
    // @unchecked: `unlockedState` is read and written only inside `withLock`.
    private struct State {
        /// (route, status) -> requests answered.
        var requests: [RequestKey: UInt64] = [:]
        /// route -> whole-request latency.
        var requestLatency: [String: LatencyHistogram] = [:]
        /// stage name -> time inside the stage.
        var stageLatency: [String: LatencyHistogram] = [:]
        /// (stage, code) -> pipeline runs that failed.
        var failures: [FailureKey: UInt64] = [:]
        /// reason -> requests refused by admission control (queue full, timed out while waiting).
        var rejections: [String: UInt64] = [:]
    }

    private struct RequestKey: Hashable { var route: String; var status: Int }
    private struct FailureKey: Hashable { var stage: String; var code: String }

    private let lock = NSLock()
    private var unlockedState = State()

    private func withLock<T>(_ body: (inout State) -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body(&unlockedState)
    }

    public init() {}

    /// Counts one answered request and its latency.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        withLock { state in
            state.requests[RequestKey(route: route, status: status), default: 0] += 1
            state.requestLatency[route, default: LatencyHistogram()].observe(duration)
        }
    }

    /// Adds the stage times of one pipeline run.
    public func recordStageTimes(_ times: [String: Duration]) {
        withLock { state in
            for (stage, time) in times { state.stageLatency[stage, default: LatencyHistogram()].observe(time) }
        }
    }

    /// Counts one failed run (`stage` is `-` when no stage was to blame, e.g. a timeout).
    public func recordFailure(stage: String, code: String) {
        withLock { $0.failures[FailureKey(stage: stage, code: code), default: 0] += 1 }
    }

    /// Counts one request refused by admission control.
    public func recordRejection(reason: String) {
        withLock { $0.rejections[reason, default: 0] += 1 }
    }

    /// The exposition text; `queueDepth`, `inFlight` and `ready` are sampled by the caller.
    public func exposition(queueDepth: Int, inFlight: Int, ready: Bool) -> String {
        let snapshot = withLock { $0 }
        var text = ""
        PrometheusText.header("vispipe_http_requests_total", type: "counter",
                              help: "HTTP requests answered, by route and status code.", into: &text)
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            text += "vispipe_http_requests_total{\(PrometheusText.labels([("route", key.route), ("status", String(key.status))]))} \(count)\n"
        }
        PrometheusText.header("vispipe_http_request_duration_seconds", type: "histogram",
                              help: "Time from request to response, by route.", into: &text)
        for (route, histogram) in snapshot.requestLatency.sorted(by: { $0.key < $1.key }) {
            histogram.write(name: "vispipe_http_request_duration_seconds",
                            labels: PrometheusText.labels([("route", route)]), into: &text)
        }
        PrometheusText.header("vispipe_stage_duration_seconds", type: "histogram",
                              help: "Time inside each pipeline stage per image.", into: &text)
        for (stage, histogram) in snapshot.stageLatency.sorted(by: { $0.key < $1.key }) {
            histogram.write(name: "vispipe_stage_duration_seconds",
                            labels: PrometheusText.labels([("stage", stage)]), into: &text)
        }
        PrometheusText.header("vispipe_pipeline_failures_total", type: "counter",
                              help: "Pipeline runs that failed, by stage and error code.", into: &text)
        for (key, count) in snapshot.failures.sorted(by: { ($0.key.stage, $0.key.code) < ($1.key.stage, $1.key.code) }) {
            text += "vispipe_pipeline_failures_total{\(PrometheusText.labels([("stage", key.stage), ("code", key.code)]))} \(count)\n"
        }
        PrometheusText.header("vispipe_admission_rejections_total", type: "counter",
                              help: "Requests refused before running: queue full or timed out while queued.", into: &text)
        for (reason, count) in snapshot.rejections.sorted(by: { $0.key < $1.key }) {
            text += "vispipe_admission_rejections_total{\(PrometheusText.labels([("reason", reason)]))} \(count)\n"
        }
        PrometheusText.header("vispipe_queue_depth", type: "gauge", help: "Requests waiting for a pipeline slot.", into: &text)
        text += "vispipe_queue_depth \(queueDepth)\n"
        PrometheusText.header("vispipe_runs_in_flight", type: "gauge", help: "Pipeline runs holding a slot.", into: &text)
        text += "vispipe_runs_in_flight \(inFlight)\n"
        PrometheusText.header("vispipe_ready", type: "gauge", help: "1 once the models are loaded.", into: &text)
        text += "vispipe_ready \(ready ? 1 : 0)\n"
        return text
    }
}
