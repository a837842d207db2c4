import Dispatch
import Foundation
import Synchronization
import VisFiles
import VisImage

/// Runs a pipeline over every image of a set of inputs and writes the output folder (see
/// `OutputLayout`). At most `jobs` images are in flight: the next image is taken from the (lazy)
/// enumeration only when one finishes, so memory stays flat however many images there are.
///
/// Exactly once: a finished image commits its record (after its annotated files) with one atomic
/// rename; the result files are rebuilt from the records. After a kill, `--resume` skips images
/// with a record and redoes the rest; an image in flight at the kill has no record and is redone.
public struct BatchRunner: Sendable {
    public let plan: ExecutionPlan
    public let context: any StageContext
    public let options: BatchRunOptions

    public init(plan: ExecutionPlan, context: any StageContext, options: BatchRunOptions) {
        self.plan = plan; self.context = context; self.options = options
    }

    /// The default output folder: `Outputs/<pipeline name>-<yyyyMMdd-HHmmss>` (UTC).
    public static func defaultOutputDirectory(pipelineName: String, at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "Outputs/\(pipelineName)-\(formatter.string(from: date))"
    }

    /// What one image's task reports back to the coordinator.
    private enum ItemReport: Sendable {
        case succeeded
        case failed(StageFailure)
        case cancelled
        /// The record could not be written: the output folder is unusable, so the run stops.
        case commitFailed(String)
    }

    /// Runs the batch. Image failures are counted in the summary, never thrown; thrown errors mean
    /// the run could not start or could not write its folder.
    public func run() async throws(BatchRunError) -> RunSummary {
        let started = Date()
        guard plan.inputs[ExecutionPlan.fileInput] == .text else {
            throw .invalidArguments("pipeline '\(plan.name)' must declare the graph input \"\(ExecutionPlan.fileInput)\": \"text\" (the image file's path)")
        }
        guard options.jobs >= 1 else { throw .invalidArguments("--jobs must be at least 1, found \(options.jobs)") }
        let outputPath = options.outputDirectory ?? Self.defaultOutputDirectory(pipelineName: plan.name, at: started)
        let outputFolder = URL(fileURLWithPath: outputPath.hasPrefix("/") ? outputPath : options.workingDirectory + "/" + outputPath)
            .standardizedFileURL.path
        let inputs = try InputSet(arguments: options.inputs, workingDirectory: options.workingDirectory, excluding: [outputFolder])
        let cocoIDs = try options.cocoImageIDsFile.map { (path) throws(BatchRunError) in
            try COCOImageIDs(contentsOf: path.hasPrefix("/") ? path : options.workingDirectory + "/" + path)
        }
        let layout = OutputLayout(root: outputFolder)
        try layout.prepare(pipelineHash: plan.hash, resume: options.resume, force: options.force)

        let setupClock = ContinuousClock.now
        let executor: PipelineExecutor
        do { executor = try PipelineExecutor(plan: plan, context: context) } catch { throw .setup(error.description) }
        var modelFiles: [(path: String, sha256: String?)] = []
        for path in plan.modelFiles {
            do { modelFiles.append((path, try options.modelFileHasher?(path))) } catch {
                throw .io("cannot hash model file '\(path)': \(error)")
            }
        }
        let setupSeconds = Self.seconds(ContinuousClock.now - setupClock)

        let detectionsOutput = plan.outputs.first { $0.type == .detections }?.name
        let assembler = ResultAssembler(inputs: inputs, layout: layout, pipelineHash: plan.hash,
                                        stageOrder: plan.stages.map(\.name), writesCOCO: detectionsOutput != nil,
                                        cocoImageIDs: cocoIDs)
        var manifest = RunManifest(vispipeVersion: options.vispipeVersion, pipelineName: plan.name, pipelineHash: plan.hash,
                                   modelFiles: modelFiles, inputs: options.inputs, outputFolder: outputFolder,
                                   started: started, finished: nil, status: .running, jobs: options.jobs,
                                   threads: options.threads, resumed: options.resume, failFast: options.failFast,
                                   skipped: 0, setupSeconds: setupSeconds, wallSeconds: 0, stageBusySeconds: 0,
                                   cocoImageIDSource: detectionsOutput == nil ? nil : (cocoIDs == nil ? "position" : "file"))
        var progress = ProgressReporter(style: options.progressStyle, interval: options.progressInterval, write: options.progressOutput)
        progress.started(pipeline: plan.name, hash: plan.hash, outputFolder: outputFolder, resumed: options.resume)

        let total = TotalCounter(inputs: inputs)
        defer { total.stop() }
        let processingStart = ContinuousClock.now
        var snapshot = ProgressSnapshot(done: 0, failed: 0, skipped: 0, total: nil, elapsed: .zero)
        var status = RunSummary.Status.complete
        var commitError: String?
        var lastAssembly = ContinuousClock.now
        var assemblyCost = Duration.zero
        let imageOutputs = plan.outputs.filter { $0.type == .image }

        func refreshManifest(_ state: RunManifest.Status) {
            manifest.status = state
            manifest.skipped = snapshot.skipped
            manifest.wallSeconds = Self.seconds(ContinuousClock.now - processingStart)
            manifest.stageBusySeconds = Self.seconds(executor.busyClock.busyTime)
        }

        await withTaskGroup(of: (InputItem, ItemReport).self) { group in
            var enumerator = inputs.makeIterator()
            var inFlight = 0
            var stopping = false
            var reportedUnreadable = 0

            func launchNext() -> Bool {
                while let item = enumerator.next() {
                    let recordPath = layout.recordPath(pipelineHash: plan.hash, relativePath: item.relativePath)
                    if options.resume, FileManager.default.fileExists(atPath: recordPath) {
                        snapshot.skipped += 1
                        continue
                    }
                    group.addTask {
                        (item, await Self.process(item, recordPath: recordPath, executor: executor, layout: layout,
                                                  imageOutputs: imageOutputs, detectionsOutput: detectionsOutput))
                    }
                    return true
                }
                return false
            }

            while !stopping && inFlight < options.jobs && launchNext() { inFlight += 1 }
            while let (item, report) = await group.next() {
                inFlight -= 1
                switch report {
                case .succeeded:
                    snapshot.done += 1
                case .failed(let failure):
                    snapshot.done += 1
                    snapshot.failed += 1
                    progress.failure(path: item.relativePath, failure: failure)
                    if options.failFast && !stopping {
                        stopping = true
                        status = .stoppedAfterFailure
                        group.cancelAll()
                    }
                case .cancelled:
                    break
                case .commitFailed(let message):
                    if commitError == nil { commitError = message }
                    stopping = true
                    group.cancelAll()
                }
                if Task.isCancelled && !stopping {
                    stopping = true
                    status = .interrupted
                    group.cancelAll()
                }
                for (path, reason) in enumerator.unreadableDirectories.dropFirst(reportedUnreadable) {
                    progress.warning("cannot list folder '\(path)': \(reason)")
                }
                reportedUnreadable = enumerator.unreadableDirectories.count
                snapshot.total = total.value
                snapshot.elapsed = ContinuousClock.now - processingStart
                progress.update(snapshot)

                if !stopping, let interval = options.assembleInterval,
                   ContinuousClock.now - lastAssembly >= max(interval, assemblyCost * 20) {
                    let began = ContinuousClock.now
                    refreshManifest(.running)
                    do { _ = try assembler.assemble(manifest: manifest) } catch {
                        commitError = String(describing: error)
                        stopping = true
                        group.cancelAll()
                    }
                    lastAssembly = ContinuousClock.now
                    assemblyCost = lastAssembly - began
                }
                while !stopping && inFlight < options.jobs && launchNext() { inFlight += 1 }
            }
            if Task.isCancelled && status == .complete { status = .interrupted }
        }
        if let commitError { throw .io(commitError) }

        refreshManifest(status == .complete ? .complete : status == .interrupted ? .interrupted : .stoppedAfterFailure)
        manifest.finished = Date()
        let stats = try assembler.assemble(manifest: manifest)
        snapshot.total = stats.total
        snapshot.elapsed = ContinuousClock.now - processingStart
        progress.finished(snapshot, status: status.rawValue)
        return RunSummary(outputDirectory: outputFolder, status: status, total: stats.total,
                          succeeded: stats.succeeded, failed: stats.failed, skipped: snapshot.skipped,
                          cocoDetections: detectionsOutput == nil ? nil : stats.cocoDetections,
                          annotatedFolder: imageOutputs.isEmpty ? nil : layout.annotatedRoot)
    }

    /// Runs one image and commits its record: annotated images first, the record last.
    private static func process(_ item: InputItem, recordPath: String, executor: PipelineExecutor, layout: OutputLayout,
                                imageOutputs: [ExecutionPlan.Output], detectionsOutput: String?) async -> ItemReport {
        var graphInputs: [String: PipelineValue] = [ExecutionPlan.fileInput: .text(item.absolutePath)]
        if executor.plan.inputs[ExecutionPlan.relativePathInput] == .text {
            graphInputs[ExecutionPlan.relativePathInput] = .text(item.relativePath)
        }
        let outcome = await executor.run(graphInputs)
        let times = outcome.stageTimes.mapValues { (seconds($0) * 1e6).rounded() / 1e3 }
        var record: RunRecord
        var report: ItemReport
        switch outcome.status {
        case .cancelled:
            return .cancelled
        case .failed(let failure):
            record = failureRecord(item, failure, times)
            report = .failed(failure)
        case .succeeded(let outputs, let sourceImage):
            var annotated: [String: String] = [:]
            var writeFailure: StageFailure?
            for output in imageOutputs {
                guard case .image(let image)? = outputs[output.name] else { continue }
                let relative = OutputLayout.annotatedRelativePath(output: output.name, relativePath: item.relativePath,
                                                                  imageOutputCount: imageOutputs.count)
                do {
                    try writeImage(image.image, to: layout.root + "/" + relative)
                    annotated[output.name] = relative
                } catch {
                    writeFailure = StageFailure(stage: "output:\(output.name)", message: error.description)
                    break
                }
            }
            if let writeFailure {
                record = failureRecord(item, writeFailure, times)
                report = .failed(writeFailure)
                break
            }
            let line = ResultLine.success(relativePath: item.relativePath, width: sourceImage?.image.width,
                                          height: sourceImage?.image.height, outputs: executor.plan.outputs,
                                          values: outputs, annotatedPaths: annotated)
            var coco: [[Double]] = []
            if let detectionsOutput, case .detections(let detections)? = outputs[detectionsOutput] {
                coco = detections.map { detection in
                    let box = detection.box
                    return [Double(detection.labelID), Double(box.xmin), Double(box.ymin),
                            Double(box.xmax - box.xmin), Double(box.ymax - box.ymin), Double(detection.score)]
                }
            }
            record = RunRecord(header: .init(path: item.relativePath, ok: true, times: times, coco: coco), line: line)
            report = .succeeded
        }
        // An item that finished is committed even when the run is being cancelled: its work is complete.
        do { try AtomicFileWriter.write(record.encoded(), to: recordPath) } catch {
            return .commitFailed("cannot commit the record of '\(item.relativePath)': \(error)")
        }
        return report
    }

    private static func failureRecord(_ item: InputItem, _ failure: StageFailure, _ times: [String: Double]) -> RunRecord {
        RunRecord(header: .init(path: item.relativePath, ok: false, times: times, coco: []),
                  line: ResultLine.failure(relativePath: item.relativePath, stage: failure.stage, message: failure.message))
    }

    /// PNG for `.png` names, JPEG quality 92 otherwise; parent folders are created.
    private static func writeImage(_ image: RGBImage, to path: String) throws(ImageError) {
        let directory = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ImageError(file: path, reason: .io("cannot create folder '\(directory)': \(error.localizedDescription)"))
        }
        if path.lowercased().hasSuffix(".png") { try ImageEncoder.writePNG(image, to: path) }
        else { try ImageEncoder.writeJPEG(image, to: path, quality: 92) }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// Counts the inputs on a background thread so progress can show a total and an ETA without
/// delaying the first image (the total stays unknown until counting ends).
private final class TotalCounter: Sendable {
    private let count = Mutex<Int?>(nil)
    private let stopped = Atomic<Bool>(false)

    init(inputs: InputSet) {
        DispatchQueue.global(qos: .utility).async { [self] in
            var counted = 0
            for _ in inputs {
                counted += 1
                if counted % 1024 == 0, stopped.load(ordering: .relaxed) { return }
            }
            count.withLock { $0 = counted }
        }
    }

    var value: Int? { count.withLock { $0 } }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
