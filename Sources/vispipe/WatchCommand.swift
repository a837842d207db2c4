import ArgumentParser
import Foundation
import VisPipeline
import VisService

/// `vispipe watch pipeline.json --inbox DIR --out DIR`: the watch-folder daemon.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Process images dropped into an inbox folder, exactly once, until stopped.",
        discussion: """
            Files are taken when closed after writing or moved in, once their size and mtime have \
            not changed for --settle seconds; dot-files and *.tmp *.part *.crdownload are ignored. \
            Each image's result line goes to OUT/<relative path>.json and its annotated image(s) to \
            OUT/annotated/, both written before the ledger (SQLite) marks it done. A file failing \
            --max-attempts times goes to --failed with <name>.error.json beside it. SIGTERM/SIGINT \
            stop taking files, finish or abandon the image in flight, and exit 0. \
            See Docs/operations.md.
            """
    )

    @Argument(help: ArgumentHelp("Pipeline file (pipeline.json).", valueName: "pipeline"))
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("Folder to watch.", valueName: "dir"))
    var inbox: String

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Move processed originals here (mirroring the inbox tree).", valueName: "dir"))
    var done: String?

    @Option(name: .long, help: ArgumentHelp("Folder for files that keep failing (default: OUT/failed).", valueName: "dir"))
    var failed: String?

    @Flag(name: .long, help: "Watch sub-folders too (also ones created later).")
    var recursive = false

    @Option(name: .long, help: ArgumentHelp("Seconds a file must stay unchanged before it is taken.", valueName: "seconds"))
    var settle = 1.0

    @Option(name: .long, help: ArgumentHelp("Attempts before a file goes to the failed folder.", valueName: "n"))
    var maxAttempts = 3

    @Option(name: .long, help: ArgumentHelp("Seconds a claim on a file stays valid.", valueName: "seconds"))
    var lease = 600.0

    @Option(name: .long, help: ArgumentHelp("On SIGTERM/SIGINT: finish or abandon the image in flight.", valueName: "finish|abandon"))
    var onStop: StopBehavior = .finish

    @Option(name: .long, help: ArgumentHelp("Bound on a graceful stop, in seconds.", valueName: "seconds"))
    var stopTimeout = 10.0

    @Option(name: .long, help: ArgumentHelp("Ledger database (default: OUT/.vispipe-ledger.sqlite).", valueName: "path"))
    var ledger: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: stage.param=value (repeatable).", valueName: "k=v"))
    var overrides: [String] = []

    func validate() throws {
        if settle < 0 { throw ValidationError("--settle must not be negative, found \(settle)") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1, found \(maxAttempts)") }
        if lease <= 0 { throw ValidationError("--lease must be positive, found \(lease)") }
        if stopTimeout <= 0 { throw ValidationError("--stop-timeout must be positive, found \(stopTimeout)") }
    }

    func run() async throws {
        let workingDirectory = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path.hasPrefix("/") ? path : workingDirectory + "/" + path).standardizedFileURL.path
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute(inbox), isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIFailure("inbox '\(inbox)' is not a folder")
        }
        WatchDaemon.bootstrapLogging()
        let session: PipelineSession
        do {
            session = try PipelineSession(path: pipeline, overrides: overrides)
        } catch let error as PipelineLoadError {
            CLIFailure.writeToStandardError("vispipe: invalid pipeline \(pipeline):\n\(error)")
            throw ExitCode(2)
        } catch {
            throw CLIFailure("cannot prepare pipeline \(pipeline): \(error)")
        }
        guard session.plan.inputs[ExecutionPlan.fileInput] == .text else {
            throw CLIFailure("pipeline '\(session.plan.name)' must declare the graph input \"file\": \"text\"")
        }
        let options = WatchOptions(inbox: absolute(inbox), output: absolute(out), done: done.map(absolute),
                                   failed: failed.map(absolute), recursive: recursive, settleSeconds: settle,
                                   maxAttempts: maxAttempts, leaseSeconds: lease, onStop: onStop,
                                   stopTimeoutSeconds: stopTimeout, ledgerPath: ledger.map(absolute))
        do {
            try await WatchDaemon(session: session, options: options).runUntilSignalled()
        } catch {
            throw CLIFailure("watch stopped: \(error)")
        }
    }
}

extension StopBehavior: ExpressibleByArgument {}
