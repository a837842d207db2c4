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

    @OptionGroup var watch: WatchArguments

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: stage.param=value (repeatable).", valueName: "k=v"))
    var overrides: [String] = []

    func validate() throws {
        try watch.requireFolders()
    }

    func run() async throws {
        let options = try watch.options()
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
        do {
            try await WatchDaemon(session: session, options: options).runUntilSignalled()
        } catch {
            throw CLIFailure("watch stopped: \(error)")
        }
    }
}

