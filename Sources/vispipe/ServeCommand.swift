import ArgumentParser
import Foundation
import Logging
import VisPipeline
import VisService

/// `vispipe serve pipeline.json`: an HTTP service running the pipeline on uploaded images.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a pipeline over HTTP: POST an image to /v1/run, get the results as JSON.",
        discussion: """
            Endpoints: POST /v1/run (body: image bytes or multipart/form-data; ?annotate=1 returns \
            the annotated image as PNG), GET /v1/pipeline, GET /healthz/live, GET /healthz/ready \
            (200 once the models are loaded), GET /metrics (Prometheus). Listens on 127.0.0.1 \
            unless --host says otherwise; stops on SIGTERM/SIGINT. See Docs/http-service.md. \
            With --watch (and --inbox, --out, … as for `vispipe watch`), the same process also runs \
            the watch-folder daemon, sharing the loaded models.
            Exit status: 0 after a clean shutdown, 2 invalid pipeline or arguments, 1 other failures.
            """
    )

    @Argument(help: ArgumentHelp("Pipeline file (pipeline.json).", valueName: "pipeline"))
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("TCP port (0: any free port).", valueName: "n"))
    var port = ServeConfiguration.defaultPort

    @Option(name: .long, help: ArgumentHelp("Address to bind.", valueName: "address"))
    var host = ServiceDefaults.host

    @Option(name: .long, help: ArgumentHelp("Largest request body accepted (413 beyond).", valueName: "bytes"))
    var maxBodyBytes = ServeConfiguration.defaultMaxBodyBytes

    @Option(name: .long, help: ArgumentHelp("Largest image accepted, in pixels (422 beyond).", valueName: "n"))
    var maxPixels = ServeConfiguration.defaultMaxPixels

    @Option(name: .long, help: ArgumentHelp("Pipeline runs at once (default: all cores).", valueName: "n"))
    var concurrency = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: ArgumentHelp("Requests waiting for a slot before 503.", valueName: "n"))
    var queue = ServeConfiguration.defaultQueueLimit

    @Option(name: .long, help: ArgumentHelp("Per-request time limit in seconds (504 beyond).", valueName: "seconds"))
    var timeout = 30.0

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: stage.param=value (repeatable).", valueName: "k=v"))
    var overrides: [String] = []

    @Flag(name: .long, help: "Also run the watch-folder daemon (options below), sharing the loaded models.")
    var watch = false

    @OptionGroup(title: "Watch folder (with --watch)")
    var watchArguments: WatchArguments

    func validate() throws {
        if watch { try watchArguments.requireFolders() }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535, found \(port)") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be at least 1, found \(maxBodyBytes)") }
        if maxPixels < 1 { throw ValidationError("--max-pixels must be at least 1, found \(maxPixels)") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1, found \(concurrency)") }
        if queue < 0 { throw ValidationError("--queue must be 0 or more, found \(queue)") }
        if !(timeout > 0) { throw ValidationError("--timeout must be more than 0 seconds, found \(timeout)") }
    }

    func run() async throws {
        // Validate before listening (cheap: no models), so a broken file fails at once with status 2.
        do {
            _ = try PipelineLoader.load(path: pipeline, overrides: overrides, registry: BuiltinStages.registry)
        } catch {
            CLIFailure.writeToStandardError("vispipe: invalid pipeline \(pipeline):\n\(error)")
            throw ExitCode(2)
        }
        var logger = Logger(label: "vispipe.serve")
        logger.logLevel = .info
        let configuration = ServeConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, maxPixels: maxPixels,
                                               concurrency: concurrency, queueLimit: queue,
                                               timeout: .milliseconds(Int64((timeout * 1000).rounded())))
        let loader = PipelineServer.sessionLoader(path: pipeline, overrides: overrides, maxPixels: maxPixels)
        if watch {
            // One session (one copy of the models) for both services; it is loaded before listening,
            // since the daemon needs it from its first file.
            let options = try watchArguments.options()
            let session: PipelineSession
            do { session = try await loader() } catch { throw CLIFailure("cannot prepare pipeline \(pipeline): \(error)") }
            let server = PipelineServer(configuration: configuration, logger: logger, loadSession: { session })
            do {
                try await WatchDaemon(session: session, options: options).runUntilSignalled(alongside: [server.makeService()])
            } catch {
                throw CLIFailure("serve --watch: \(error)")
            }
            return
        }
        let server = PipelineServer(configuration: configuration, logger: logger, loadSession: loader)
        do {
            try await server.run(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw CLIFailure("serve: \(error)")
        }
    }
}
