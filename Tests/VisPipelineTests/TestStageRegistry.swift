import Foundation
import VisPipeline

/// Stage types for validation tests, independent of the built-in stages: their declarations cover
/// every parameter kind, optional and required ports, and several port types.
enum TestStages {
    /// Does nothing: validation never runs stages.
    struct InertStage: Stage {
        init(parameters: StageParameters, context: any StageContext) throws {}
        func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] { [:] }
    }

    static let source = StageDescriptor(
        type: "source", summary: "Reads an image file.",
        inputs: [PortSpec("file", .text, summary: "Absolute path."),
                 PortSpec("relative_path", .text, required: false, summary: "Path below the input root.")],
        outputs: [PortSpec("image", .image, summary: "The image.")],
        parameters: [ParameterSpec("max_pixels", .integer(range: 1...1_000_000), default: .integer(1000), summary: "Pixel limit."),
                     ParameterSpec("alpha", .choice(["composite-white", "drop"]), default: .string("composite-white"), summary: "Alpha handling.")])

    static let detect = StageDescriptor(
        type: "detect", summary: "Finds objects.",
        inputs: [PortSpec("image", .image, summary: "The image.")],
        outputs: [PortSpec("detections", .detections, summary: "Objects."), PortSpec("features", .tensor, summary: "Feature map.")],
        parameters: [ParameterSpec("model", .path, default: nil, summary: "Model folder."),
                     ParameterSpec("threshold", .number(range: 0...1), default: .number(0.5), summary: "Score threshold."),
                     ParameterSpec("top_k", .integer(range: 1...1000), default: .integer(100), summary: "Most objects kept."),
                     ParameterSpec("labels", .stringList, default: .stringList([]), summary: "Allowed labels."),
                     ParameterSpec("verbose", .boolean, default: .boolean(false), summary: "Log more."),
                     ParameterSpec("note", .string, default: .string(""), summary: "Free text.")])

    static let draw = StageDescriptor(
        type: "draw", summary: "Draws boxes.",
        inputs: [PortSpec("image", .image, summary: "Background."), PortSpec("detections", .detections, summary: "Boxes.")],
        outputs: [PortSpec("image", .image, summary: "Annotated image.")],
        parameters: [ParameterSpec("thickness", .integer(range: 1...Int.max), default: .integer(2), summary: "Line width.")])

    static let blend = StageDescriptor(
        type: "blend", summary: "Blends two images.",
        inputs: [PortSpec("a", .image, summary: "First."), PortSpec("b", .image, required: false, summary: "Second.")],
        outputs: [PortSpec("image", .image, summary: "Blend.")],
        parameters: [ParameterSpec("weight", .number(range: 0...Double.infinity), default: .number(1), summary: "Weight of b.")])

    static let registry = StageRegistry([source, detect, draw, blend].map { StageType($0, InertStage.self) })
}


