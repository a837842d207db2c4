import Foundation

/// Everything a batch run needs besides the plan and the stage context.
public struct BatchRunOptions: Sendable {
    /// Files, folders (recursive) and glob patterns, resolved against `workingDirectory`.
    public var inputs: [String]
    /// Output folder; `nil` selects `Outputs/<pipeline name>-<yyyyMMdd-HHmmss>` under `workingDirectory`.
    public var outputDirectory: String?
    /// Skip images already committed by an earlier run of the same pipeline in `outputDirectory`.
    public var resume = false
    /// Replace results in `outputDirectory` (of this or another pipeline) instead of refusing.
    public var force = false
    /// Stop at the first failed image (images in flight are abandoned, not recorded).
    public var failFast = false
    /// Images in flight at once (at least 1). Two lets the next image decode while the model runs.
    public var jobs = 2
    /// The compute thread count in effect, recorded in `run.json` (the caller sets `Parallelism`).
    public var threads: Int?
    /// File mapping image names to COCO image ids (see `COCOImageIDs`).
    public var cocoImageIDsFile: String?
    public var progressStyle: ProgressStyle = .quiet
    /// Seconds between status lines in the `lines` and `json` styles.
    public var progressInterval: Duration = .seconds(10)
    /// Rebuild the result files at least this far apart while running, so a long run shows results;
    /// `nil` assembles only at the end. The actual spacing also grows with the time an assembly takes
    /// (at least 20 times it), which keeps the cost under 5% of the run.
    public var assembleInterval: Duration? = .seconds(30)
    /// Recorded in `run.json`.
    public var vispipeVersion = "unknown"
    /// Hashes a model file (SHA-256, lower-case hex) for `run.json`; `nil` records no hashes.
    public var modelFileHasher: (@Sendable (String) throws -> String)?
    /// Receives progress text (default: stderr).
    public var progressOutput: @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }
    public var workingDirectory = FileManager.default.currentDirectoryPath

    public init(inputs: [String], outputDirectory: String? = nil) {
        self.inputs = inputs
        self.outputDirectory = outputDirectory
    }
}
