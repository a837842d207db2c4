import ArgumentParser

/// Options of detection models' post-processing.
struct DetectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Keep detections whose score is above this.", valueName: "score"))
    var threshold: Float = 0.5

    @Option(name: .long, help: ArgumentHelp("Keep at most this many detections per image, best first.", valueName: "k"))
    var topK: Int?

    func validate() throws {
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
        if let topK, topK < 0 { throw ValidationError("--top-k must not be negative, found \(topK)") }
    }
}
