import Synchronization

/// Files seen in the inbox but not yet taken, each with its settle history. Bounded by what is
/// in the inbox right now: entries leave when taken, finished or gone (no history of processed files).
public final class PendingFiles: Sendable {
    private let entries = Mutex<[String: SettleCheck]>([:])
    public let settleSeconds: Double

    public init(settleSeconds: Double) { self.settleSeconds = settleSeconds }

    /// Adds `path` (no-op when already pending: its settle history is kept).
    public func add(_ path: String) {
        entries.withLock { if $0[path] == nil { $0[path] = SettleCheck(interval: settleSeconds) } }
    }

    public func remove(_ path: String) { _ = entries.withLock { $0.removeValue(forKey: path) } }

    /// Restarts the settle clock of `path` (it changed after it looked settled).
    public func reset(_ path: String) { entries.withLock { $0[path]?.reset() } }

    public var count: Int { entries.withLock { $0.count } }

    /// Pending paths, sorted (oldest names first is good enough: order is not part of the contract).
    public var paths: [String] { entries.withLock { Array($0.keys) }.sorted() }

    /// Records an observation of `path` and returns whether it has settled.
    public func observe(_ path: String, _ observation: SettleCheck.Observation, at now: Double) -> Bool {
        entries.withLock { $0[path]?.observe(observation, at: now) ?? false }
    }
}
