/// Why one item stopped: the stage that failed and the error's description.
public struct StageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stage's name in the pipeline (e.g. `decode`).
    public var stage: String
    /// The error's description (for decode errors it names the file and the reason).
    public var message: String

    public init(stage: String, message: String) { self.stage = stage; self.message = message }

    public var description: String { "\(stage): \(message)" }
}

/// What running one item through the graph produced.
public struct ItemOutcome: Sendable {
    public enum Status: Sendable {
        /// Every stage ran: the declared outputs by name, and the decoded source image when the plan has one.
        case succeeded(outputs: [String: PipelineValue], sourceImage: ImageValue?)
        /// A stage threw (or broke its declaration); later stages did not run.
        case failed(StageFailure)
        /// The surrounding task was cancelled before the item finished; nothing should be recorded.
        case cancelled
    }

    public var status: Status
    /// Wall time inside each stage that ran, by stage name.
    public var stageTimes: [String: Duration]

    public init(status: Status, stageTimes: [String: Duration]) {
        self.status = status; self.stageTimes = stageTimes
    }
}
