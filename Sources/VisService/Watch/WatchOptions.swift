/// Settings of the watch-folder daemon (`vispipe watch`). Paths are absolute.
public struct WatchOptions: Sendable {
    public var inbox: String
    public var output: String
    /// Processed originals are moved here (mirroring the inbox tree) when set; otherwise they stay.
    public var done: String?
    /// Files that failed `maxAttempts` times go here with `<name>.error.json` beside them.
    public var failed: String
    public var recursive: Bool
    /// Seconds a file's size and mtime must stay unchanged before it is taken.
    public var settleSeconds: Double
    public var maxAttempts: Int
    /// Seconds a claim stays valid; a claim whose lease expired is taken again.
    public var leaseSeconds: Double
    public var onStop: StopBehavior
    /// Bound on a graceful stop, in seconds.
    public var stopTimeoutSeconds: Double
    public var ledgerPath: String

    /// Defaults: failed folder `OUT/failed`, settle 1 s, 3 attempts, lease 600 s, finish on stop,
    /// stop timeout 10 s, ledger `OUT/.vispipe-ledger.sqlite`.
    public init(inbox: String, output: String, done: String? = nil, failed: String? = nil, recursive: Bool = false,
                settleSeconds: Double = 1, maxAttempts: Int = 3, leaseSeconds: Double = 600,
                onStop: StopBehavior = .finish, stopTimeoutSeconds: Double = 10, ledgerPath: String? = nil) {
        self.inbox = inbox; self.output = output; self.done = done
        self.failed = failed ?? output + "/failed"
        self.recursive = recursive; self.settleSeconds = settleSeconds; self.maxAttempts = maxAttempts
        self.leaseSeconds = leaseSeconds; self.onStop = onStop; self.stopTimeoutSeconds = stopTimeoutSeconds
        self.ledgerPath = ledgerPath ?? output + "/.vispipe-ledger.sqlite"
    }

    /// Folders inside the inbox that belong to the daemon and are never taken as input.
    public var ownFolders: [String] {
        [output, done, failed].compactMap { $0 }.filter { $0 == inbox || $0.hasPrefix(inbox + "/") }
    }
}
