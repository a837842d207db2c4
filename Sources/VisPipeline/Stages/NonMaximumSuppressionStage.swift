import VisModels

/// `nms`: non-maximum suppression, torchvision's `nms` / `batched_nms`. Drops every detection
/// that overlaps a higher-scoring one (of the same label, by default) by more than `iou`; the
/// survivors come highest score first.
public struct NonMaximumSuppressionStage: Stage {
    public static let descriptor = StageDescriptor(
        type: "nms",
        summary: "Non-maximum suppression: drop detections overlapping a higher-scoring one.",
        inputs: [
            PortSpec("detections", .detections, summary: "Detections, in any order."),
        ],
        outputs: [
            PortSpec("detections", .detections, summary: "The detections that survive, highest score first."),
        ],
        parameters: [
            ParameterSpec("iou", .number(range: 0...1), default: .number(0.5),
                          summary: "Drop a detection whose intersection over union with a better one is above this."),
            ParameterSpec("per_label", .boolean, default: .boolean(true),
                          summary: "Only detections with the same label suppress each other (false: any label)."),
        ])

    public static var stageType: StageType { StageType(descriptor, NonMaximumSuppressionStage.self) }

    public let suppression: NonMaximumSuppression

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        suppression = NonMaximumSuppression(iouThreshold: Float(try reader.number("iou")),
                                            perLabel: try reader.boolean("per_label"))
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        ["detections": .detections(suppression.apply(try inputs.detections("detections")))]
    }
}
