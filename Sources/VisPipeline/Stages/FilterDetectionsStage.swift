import VisModels

/// `filter_detections`: keeps the detections that pass a score floor and a label allow-list,
/// then optionally only the best few.
///
/// Without `top_k` the kept detections stay in their input order; with it they come highest
/// score first (equal scores in input order).
public struct FilterDetectionsStage: Stage {
    public static let descriptor = StageDescriptor(
        type: "filter_detections",
        summary: "Keep detections by minimum score, label allow-list and top-k.",
        inputs: [
            PortSpec("detections", .detections, summary: "Detections to filter."),
        ],
        outputs: [
            PortSpec("detections", .detections, summary: "The detections that pass."),
        ],
        parameters: [
            ParameterSpec("min_score", .number(range: 0...1), default: .number(0),
                          summary: "Keep detections whose score is at least this."),
            ParameterSpec("labels", .stringList, default: .stringList([]),
                          summary: "Keep only these label names (exact, case-sensitive); empty keeps all labels."),
            ParameterSpec("top_k", .integer(range: 0...10_000), default: .integer(0),
                          summary: "Then keep at most this many, highest score first; 0 keeps all, in input order."),
        ])

    public static var stageType: StageType { StageType(descriptor, FilterDetectionsStage.self) }

    public let minScore: Float
    /// `nil` keeps every label.
    public let labels: Set<String>?
    /// `nil` keeps every detection.
    public let topK: Int?

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        minScore = Float(try reader.number("min_score"))
        let names = try reader.stringList("labels")
        labels = names.isEmpty ? nil : Set(names)
        let k = try reader.integer("top_k")
        topK = k == 0 ? nil : k
    }

    /// The detections that pass the filter.
    public func filter(_ detections: [Detection]) -> [Detection] {
        let kept = detections.filter { detection in
            detection.score >= minScore && (labels?.contains(detection.label) ?? true)
        }
        guard let topK else { return kept }
        return Array(kept.sortedByScore().prefix(topK))
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        ["detections": .detections(filter(try inputs.detections("detections")))]
    }
}
