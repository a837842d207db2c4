import Foundation

/// Everything `vispipe serve` can be told: where to listen and the limits that keep one busy or
/// hostile client from taking the service down.
public struct ServeConfiguration: Sendable {
    /// Address to bind; loopback unless the operator asks otherwise.
    public var host: String
    /// TCP port; 0 picks a free one (tests read the bound port back).
    public var port: Int
    /// Request bodies larger than this are refused with 413 before the pipeline sees them.
    public var maxBodyBytes: Int
    /// Images whose header announces more pixels are refused with 422 (applied to every `decode` stage).
    public var maxPixels: Int
    /// Pipeline runs at once.
    public var concurrency: Int
    /// Requests allowed to wait for a free slot; beyond that the service answers 503 with `Retry-After`.
    public var queueLimit: Int
    /// Time from admission request to response; beyond it the client gets 504 (the run is cancelled
    /// and keeps its slot until it actually stops, so the concurrency bound holds).
    public var timeout: Duration
    /// Seconds suggested to rejected clients in `Retry-After`.
    public var retryAfterSeconds: Int
    /// Folder for the temporary copies of uploads (removed after each run).
    public var uploadDirectory: String

    public static let defaultPort = 8080
    public static let defaultMaxBodyBytes = 32 * 1024 * 1024
    public static let defaultMaxPixels = 64_000_000
    public static let defaultQueueLimit = 16
    public static let defaultTimeout = Duration.seconds(30)

    public init(host: String = ServiceDefaults.host, port: Int = ServeConfiguration.defaultPort,
                maxBodyBytes: Int = ServeConfiguration.defaultMaxBodyBytes,
                maxPixels: Int = ServeConfiguration.defaultMaxPixels,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
                queueLimit: Int = ServeConfiguration.defaultQueueLimit,
                timeout: Duration = ServeConfiguration.defaultTimeout, retryAfterSeconds: Int = 1,
                uploadDirectory: String = NSTemporaryDirectory()) {
        self.host = host; self.port = port; self.maxBodyBytes = maxBodyBytes; self.maxPixels = maxPixels
        self.concurrency = concurrency; self.queueLimit = queueLimit; self.timeout = timeout
        self.retryAfterSeconds = retryAfterSeconds; self.uploadDirectory = uploadDirectory
    }
}
