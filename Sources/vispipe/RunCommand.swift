// PENDING (enable at merge by renaming to .swift and adding `RunCommand.self` to VispipeCommand's
// subcommands): needs PipelineLoader/ValidatedPipeline (pipe-validate), BuiltinStages and
// ModelCache (pipe-stages) and VisFiles.SHA256 (pipe-validate); adjust the three marked calls to
// their final names.
import ArgumentParser
import Foundation
import VisFiles
import VisPipeline
import VisTensor
#if canImport(Glibc)
import Glibc
#endif

/// `vispipe run pipeline.json INPUT...`: runs a pipeline over images and writes an output folder.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over image files, folders (recursive) and glob patterns.",
        discussion: """
            Inputs: files, folders (searched recursively for .png .jpg .jpeg, any case) and patterns \
            with * ? and ** (quote them). Images are processed in a fixed order (sorted by path).
            The output folder receives results.jsonl, errors.jsonl, coco_results.json (when the \
            pipeline outputs detections), annotated/ (image outputs, mirroring the input tree) and \
            run.json. Every file is replaced atomically; --resume after an interruption finishes \
            the run with every image exactly once.
            Exit status: 0 all images succeeded, 3 some failed, 2 invalid pipeline or arguments, \
            1 other failures.
            """
    )

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: ArgumentHelp("Pipeline file (pipeline.json).", valueName: "pipeline"))
    var pipeline: String

    @Argument(help: ArgumentHelp("Image files, folders or glob patterns.", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Output folder (default: Outputs/<pipeline>-<yyyyMMdd-HHmmss>).", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: stage.param=value (repeatable).", valueName: "k=v"))
    var overrides: [String] = []

    @Flag(name: .long, help: "Finish an interrupted run in --out: skip images already committed.")
    var resume = false

    @Flag(name: .long, help: "Replace the results already in --out (of this or another pipeline).")
    var force = false

    @Flag(name: .long, help: "Stop at the first failed image (exit status 3).")
    var failFast = false

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Progress format on stderr: text or json (one object per event).", valueName: "format"))
    var logFormat: LogFormat = .text

    @Option(name: .long, help: ArgumentHelp("Compute threads (vispipe and OpenBLAS); default: all cores.", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Images in flight at once (decoding overlaps the model).", valueName: "n"))
    var jobs = 2

    @Option(name: .long, help: ArgumentHelp("COCO annotation file (or {file name: id} object) giving coco_results.json its image ids.",
                                            valueName: "file"))
    var cocoImageIds: String?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input file, folder or pattern") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, found \(threads)") }
        if resume && force { throw ValidationError("--resume and --force contradict each other; give one") }
    }

    func run() async throws {
        if let threads { Parallelism.setThreadCount(threads) }
        let validated: ValidatedPipeline
        do {
            validated = try PipelineLoader.load(path: pipeline, overrides: overrides, registry: BuiltinStages.registry)
        } catch {
            CLIFailure.writeToStandardError("vispipe: invalid pipeline \(pipeline):\n\(error)")
            throw ExitCode(2)
        }
        if !quiet {
            for warning in validated.warnings { CLIFailure.writeToStandardError("vispipe: warning: \(warning)") }
        }
        let name = ((pipeline as NSString).lastPathComponent as NSString).deletingPathExtension
        let plan = ExecutionPlan(validated: validated, name: name)

        var options = BatchRunOptions(inputs: inputs, outputDirectory: out)
        options.resume = resume
        options.force = force
        options.failFast = failFast
        options.jobs = jobs
        options.threads = Parallelism.threadCount
        options.cocoImageIDsFile = cocoImageIds
        options.vispipeVersion = VispipeVersion.string
        options.modelFileHasher = { path in try SHA256.hexDigest(ofFileAtPath: path) }
        options.progressStyle = quiet ? .quiet : logFormat == .json ? .json : (isatty(STDERR_FILENO) != 0 ? .bar : .lines)

        let summary: RunSummary
        do {
            summary = try await BatchRunner(plan: plan, context: ModelCache(), options: options).run()
        } catch {
            CLIFailure.printToStandardError("vispipe: \(error)")
            throw ExitCode(error.exitStatus)
        }
        if summary.total == 0 {
            CLIFailure.writeToStandardError("vispipe: no images found in \(inputs.joined(separator: " "))")
        } else if !quiet && logFormat == .text {
            print("\(summary.outputDirectory): \(summary.succeeded) succeeded, \(summary.failed) failed, "
                  + "\(summary.skipped) skipped, \(summary.notProcessed) not processed (\(summary.status.rawValue))")
            if let detections = summary.cocoDetections {
                print("  \(detections) detections in \(summary.outputDirectory)/coco_results.json")
            }
            if let annotated = summary.annotatedFolder { print("  annotated images in \(annotated)/") }
        }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}
