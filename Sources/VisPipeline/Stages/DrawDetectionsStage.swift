import VisImage
import VisModels

/// `draw_detections`: draws each detection's box, and a label such as `cat 0.93`, onto a copy of
/// the image.
///
/// Colours come from `ClassPalette` by label id, so a class has the same colour in every image.
/// Boxes are drawn first and labels over them, each label just above its box's top-left corner
/// (below it when there is no room). Boxes are taken to be in this image's pixels: draw on the
/// image the detector saw, not on a resized copy.
public struct DrawDetectionsStage: Stage {
    public static let descriptor = StageDescriptor(
        type: "draw_detections",
        summary: "Draw detection boxes and \"label score\" tags onto the image.",
        inputs: [
            PortSpec("image", .image, summary: "The image to draw on (the one the boxes refer to)."),
            PortSpec("detections", .detections, summary: "The detections to draw."),
        ],
        outputs: [
            PortSpec("image", .image, summary: "The annotated image (same relative path)."),
        ],
        parameters: [
            ParameterSpec("thickness", .integer(range: 1...20), default: .integer(2),
                          summary: "Box outline width in pixels (drawn inside the box)."),
            ParameterSpec("show_labels", .boolean, default: .boolean(true), summary: "Write the class name above each box."),
            ParameterSpec("show_scores", .boolean, default: .boolean(true), summary: "Write the score (two decimals) above each box."),
            ParameterSpec("font_scale", .integer(range: 0...8), default: .integer(0),
                          summary: "Label text scale (1 = 5x8-pixel glyph cells); 0 picks one from the image size (1 per 500 pixels of the shorter side, at least 1)."),
        ])

    public static var stageType: StageType { StageType(descriptor, DrawDetectionsStage.self) }

    public let thickness: Int
    public let showLabels: Bool
    public let showScores: Bool
    /// 0 means automatic.
    public let fontScale: Int

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        thickness = try reader.integer("thickness")
        showLabels = try reader.boolean("show_labels")
        showScores = try reader.boolean("show_scores")
        fontScale = try reader.integer("font_scale")
    }

    /// The text drawn for a detection, `nil` when neither labels nor scores are shown.
    public func caption(for detection: Detection) -> String? {
        var parts: [String] = []
        if showLabels { parts.append(detection.label) }
        if showScores { parts.append(Self.formatScore(detection.score)) }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// A score with two decimals ("0.93"), rounded half up, without locale formatting.
    static func formatScore(_ score: Float) -> String {
        let hundredths = Int((Double(score) * 100).rounded(.toNearestOrAwayFromZero))
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The text scale used on an image of this size.
    public func effectiveFontScale(width: Int, height: Int) -> Int {
        fontScale > 0 ? fontScale : max(1, min(width, height) / 500)
    }

    /// White text on dark palette colours, black on light ones (ITU-R BT.601 luma).
    static func textColor(on background: RGBColor) -> RGBColor {
        let luma = 0.299 * Double(background.r) + 0.587 * Double(background.g) + 0.114 * Double(background.b)
        return luma > 150 ? .black : .white
    }

    /// `image` with the detections drawn on it.
    public func draw(_ detections: [Detection], on image: RGBImage) -> RGBImage {
        var canvas = image
        for detection in detections {
            let box = detection.box
            canvas.drawRectangle(left: Double(box.xmin), top: Double(box.ymin), right: Double(box.xmax), bottom: Double(box.ymax),
                                 color: ClassPalette.color(for: detection.labelID), thickness: thickness)
        }
        let scale = effectiveFontScale(width: image.width, height: image.height)
        for detection in detections {
            guard let text = caption(for: detection) else { continue }
            let color = ClassPalette.color(for: detection.labelID)
            canvas.drawLabel(text, x: Double(detection.box.xmin), y: Double(detection.box.ymin),
                             textColor: Self.textColor(on: color), background: color, scale: scale)
        }
        return canvas
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        let input = try inputs.image("image")
        let detections = try inputs.detections("detections")
        return ["image": .image(ImageValue(image: draw(detections, on: input.image), relativePath: input.relativePath))]
    }
}
