import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import VisPipeline

/// The HTTP service of `vispipe serve`: routes, limits, metrics and readiness around one
/// `PipelineSession`.
///
/// The server starts listening first and loads the models in the background (`loadSession`), so
/// `/healthz/live` answers at once and `/healthz/ready` turns 200 only when the models are in.
public struct PipelineServer: Sendable {
    public let configuration: ServeConfiguration
    public let metrics = ServiceMetrics()
    private let logger: Logger
    private let loadSession: @Sendable () async throws -> PipelineSession
    private let admission: AdmissionControl
    private let readiness = SessionReadiness()
    private let shutdownSwitch = ShutdownSwitch()

    /// - Parameter loadSession: creates the session (loads the models); called once, after the
    ///   server listens. Tests pass a loader that waits, to watch readiness flip.
    public init(configuration: ServeConfiguration, logger: Logger,
                loadSession: @escaping @Sendable () async throws -> PipelineSession) {
        self.configuration = configuration
        self.logger = logger
        self.loadSession = loadSession
        self.admission = AdmissionControl(concurrency: configuration.concurrency, queueLimit: configuration.queueLimit)
    }

    /// A loader for `path` that applies `maxPixels` to every `decode` stage (before the user's
    /// `overrides`, so an explicit `--set decode.max_pixels=…` still wins).
    public static func sessionLoader(path: String, overrides: [String], maxPixels: Int,
                                     registry: StageRegistry = BuiltinStages.registry) -> @Sendable () async throws -> PipelineSession {
        return {
            let validated = try PipelineLoader.load(path: path, overrides: overrides, registry: registry)
            let limits = validated.stages.filter { $0.descriptor.type == DecodeStage.descriptor.type }
                .map { "\($0.name).max_pixels=\(maxPixels)" }
            return try PipelineSession(path: path, overrides: limits + overrides, registry: registry)
        }
    }

    /// Whether the models are loaded.
    public var isReady: Bool { readiness.session != nil }

    /// Serves until `shutdown()` is called, the surrounding task is cancelled or, with
    /// `gracefulShutdownSignals`, SIGTERM/SIGINT arrives; a graceful shutdown lets in-flight
    /// requests finish. `onListening` receives the bound port (useful with port 0).
    public func run(gracefulShutdownSignals: [UnixSignal] = [],
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(services: [makeService(onListening: onListening)],
                                 gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        async let running: Void = group.run()
        await shutdownSwitch.attach(group)
        try await running
    }

    /// Stops a server started with `run` gracefully.
    public func shutdown() async {
        await shutdownSwitch.trigger()
    }

    /// The HTTP server as a swift-service-lifecycle `Service`, to run in a `ServiceGroup` beside
    /// other services (the watch daemon sharing the session, say). Loading starts once it listens.
    public func makeService(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: "vispipe"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("listening on \(configuration.host):\(port); loading the pipeline")
                Task { await load() }
                await onListening(port)
            },
            logger: logger)
    }

    private func load() async {
        let started = ContinuousClock.now
        do {
            let session = try await loadSession()
            readiness.set(.ready(session))
            logger.info("ready: pipeline \(session.plan.name) (\(session.hash.prefix(12))) loaded in \(ContinuousClock.now - started)")
        } catch {
            readiness.set(.failed("the pipeline could not be loaded: \(error)"))
            logger.error("the pipeline could not be loaded: \(error)")
        }
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessLogMiddleware(metrics: metrics, logger: logger))
        let readiness = self.readiness, metrics = self.metrics, admission = self.admission
        router.get("/healthz/live") { _, _ in
            Self.json(#"{"status":"live"}"#)
        }
        router.get("/healthz/ready") { _, _ -> Response in
            switch readiness.current {
            case .ready: return Self.json(#"{"status":"ready"}"#)
            case .loading: return APIError.notReady().response
            case .failed(let message): return APIError(.serviceUnavailable, code: "load_failed", message: message).response
            }
        }
        router.get("/metrics") { _, _ -> Response in
            let text = metrics.exposition(queueDepth: await admission.queueDepth, inFlight: await admission.inFlight,
                                          ready: readiness.session != nil)
            return Response(status: .ok, headers: [.contentType: PrometheusText.contentType],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/v1/pipeline") { _, _ -> Response in
            guard let session = readiness.session else { return APIError.notReady().response }
            return Self.json(PipelineDescription.json(of: session.plan))
        }
        let handler = RunHandler(configuration: configuration, admission: admission, metrics: metrics, readiness: readiness)
        router.post("/v1/run") { request, context in
            await handler.handle(request, context: context)
        }
        return router
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
