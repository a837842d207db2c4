import Synchronization

/// Measures how long at least one stage was running, across all items in flight. Wall time minus
/// this is the runner's own overhead (enumeration, bookkeeping, writing results, waiting) — summing
/// per-stage times instead would count overlapping stages twice.
public final class StageBusyClock: Sendable {
    private struct State {
        var active = 0
        var since = ContinuousClock.now
        var total = Duration.zero
    }
    private let state = Mutex(State())

    public init() {}

    /// A stage starts running.
    func enter() {
        state.withLock { state in
            if state.active == 0 { state.since = .now }
            state.active += 1
        }
    }

    /// A stage stops running.
    func leave() {
        state.withLock { state in
            state.active -= 1
            if state.active == 0 { state.total += ContinuousClock.now - state.since }
        }
    }

    /// Time with at least one stage running so far (including the current busy stretch).
    public var busyTime: Duration {
        state.withLock { state in
            state.active > 0 ? state.total + (ContinuousClock.now - state.since) : state.total
        }
    }
}
