import Logging
import ServiceLifecycle

extension WatchDaemon {
    /// Runs the daemon in a `ServiceGroup` that turns SIGTERM and SIGINT into a graceful shutdown
    /// bounded by `options.stopTimeoutSeconds`: most of it for the graceful part (finishing the image
    /// in flight), the rest for cancelling what still runs. Returns when the daemon has stopped.
    /// `others` run in the same group and stop with it (`vispipe serve --watch` adds the HTTP server).
    public func runUntilSignalled(alongside others: [any Service] = []) async throws {
        var configuration = ServiceGroupConfiguration(services: [self] + others, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(options.stopTimeoutSeconds * 0.8)
        configuration.maximumCancellationDuration = .seconds(options.stopTimeoutSeconds * 0.2)
        try await ServiceGroup(configuration: configuration).run()
    }

    /// Sends swift-log output to stderr (once per process, before any logger is made).
    public static func bootstrapLogging() {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    }
}
