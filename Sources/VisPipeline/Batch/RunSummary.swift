/// How a batch run ended. Counts cover every image of the inputs, including images committed by
/// earlier (resumed) runs.
public struct RunSummary: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Every image was processed (some may have failed).
        case complete
        /// `--fail-fast` stopped the run at a failure.
        case stoppedAfterFailure = "stopped_after_failure"
        /// The run's task was cancelled; `--resume` finishes it.
        case interrupted
    }

    public var outputDirectory: String
    public var status: Status
    /// Images in the inputs.
    public var total: Int
    public var succeeded: Int
    public var failed: Int
    /// Images skipped by this run because an earlier run had committed them.
    public var skipped: Int
    /// Images without a committed result (after `--fail-fast` or an interruption).
    public var notProcessed: Int { total - succeeded - failed }
    /// Detections written to `coco_results.json`; nil when the pipeline outputs no detections.
    public var cocoDetections: Int?
    /// The folder of annotated images; nil when the pipeline outputs no image.
    public var annotatedFolder: String?

    public init(outputDirectory: String, status: Status, total: Int, succeeded: Int, failed: Int, skipped: Int,
                cocoDetections: Int? = nil, annotatedFolder: String? = nil) {
        self.outputDirectory = outputDirectory; self.status = status
        self.total = total; self.succeeded = succeeded; self.failed = failed; self.skipped = skipped
        self.cocoDetections = cocoDetections; self.annotatedFolder = annotatedFolder
    }

    /// The process exit status: 3 when an image failed, 2 when the inputs held no image, 1 when
    /// interrupted, 0 when every image succeeded.
    public var exitStatus: Int32 {
        if failed > 0 { return 3 }
        if total == 0 { return 2 }
        if status == .interrupted || notProcessed > 0 { return 1 }
        return 0
    }
}
