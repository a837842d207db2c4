/// Decides when a file has stopped changing: its size and modification time must stay the same
/// for `interval` seconds of observations before it is taken. A writer that pauses between chunks
/// for less than the interval never lets a half-written file through.
public struct SettleCheck: Sendable, Equatable {
    /// What `stat` said about the file.
    public struct Observation: Sendable, Equatable {
        public var size: Int64
        public var modificationTime: Double
        public init(size: Int64, modificationTime: Double) { self.size = size; self.modificationTime = modificationTime }
    }

    public let interval: Double
    /// The last observation and when it was first seen unchanged.
    public private(set) var last: Observation?
    public private(set) var stableSince: Double?

    public init(interval: Double) { self.interval = interval }

    /// Records `observation` made at `now` (seconds on a monotonic clock) and returns whether the
    /// file has been unchanged for at least `interval` seconds.
    public mutating func observe(_ observation: Observation, at now: Double) -> Bool {
        if observation != last {
            last = observation
            stableSince = now
            return interval <= 0
        }
        return now - (stableSince ?? now) >= interval
    }

    /// Forgets the history (the file changed after it looked settled).
    public mutating func reset() { last = nil; stableSince = nil }
}
