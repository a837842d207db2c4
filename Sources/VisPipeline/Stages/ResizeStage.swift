import VisImage

/// `resize`: scales an image for outputs or for models that take a fixed size.
///
/// Modes:
/// - `fit`: keep the aspect ratio and make the image as large as fits within `width` x `height`
///   (one side equals its bound; enlarges small images too);
/// - `exact`: stretch to exactly `width` x `height`;
/// - `letterbox`: `fit`, then pad to exactly `width` x `height` with `pad_color`, the image
///   centred (an odd leftover pixel goes to the right or bottom).
///
/// Detections computed from the resized image are in the resized image's pixels. The `detr`
/// stage does its own resizing and reports boxes in the pixels of the image it was given, so
/// resize is not needed before it; use it for annotated outputs or for other models.
public struct ResizeStage: Stage {
    /// How the target size is reached.
    public enum Mode: String, Sendable, CaseIterable {
        case fit, exact, letterbox
    }

    public static let descriptor = StageDescriptor(
        type: "resize",
        summary: "Resize an image: fit within a box, stretch to an exact size, or letterbox (fit and pad).",
        inputs: [
            PortSpec("image", .image, summary: "The image to resize."),
        ],
        outputs: [
            PortSpec("image", .image, summary: "The resized image (same relative path). Boxes found on it are in its own pixels."),
        ],
        parameters: [
            ParameterSpec("mode", .choice(Mode.allCases.map(\.rawValue)), default: .string(Mode.fit.rawValue),
                          summary: "fit: keep aspect within width x height; exact: stretch; letterbox: fit, then pad centred to exactly width x height."),
            ParameterSpec("width", .integer(range: 1...16384), default: nil, summary: "Target (or bounding) width in pixels."),
            ParameterSpec("height", .integer(range: 1...16384), default: nil, summary: "Target (or bounding) height in pixels."),
            ParameterSpec("filter", .choice(["bilinear", "nearest"]), default: .string("bilinear"),
                          summary: "Interpolation, as Pillow's Image.resize (bilinear antialiases when shrinking)."),
            ParameterSpec("pad_color", .string, default: .string("#727272"),
                          summary: "Letterbox padding colour \"#rrggbb\" (default grey 114, as YOLO letterboxing)."),
        ])

    public static var stageType: StageType { StageType(descriptor, ResizeStage.self) }

    public let mode: Mode
    public let width: Int
    public let height: Int
    public let filter: ResampleFilter
    public let padColor: RGBColor

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        mode = Mode(rawValue: try reader.string("mode"))!
        width = try reader.integer("width")
        height = try reader.integer("height")
        filter = try reader.string("filter") == "nearest" ? .nearest : .bilinear
        padColor = try HexColor.parameter("pad_color", from: reader)
    }

    /// The largest size with the aspect ratio of `width` x `height` that fits within
    /// `boundWidth` x `boundHeight` (the constrained side rounded half up, at least 1 pixel).
    public static func fittedSize(width: Int, height: Int, boundWidth: Int, boundHeight: Int) -> (width: Int, height: Int) {
        // Compare aspect ratios exactly with integers: w/h > W/H  <=>  w*H > h*W.
        let wide = width * boundHeight, tall = height * boundWidth
        if wide > tall {
            return (boundWidth, max(1, (2 * height * boundWidth + width) / (2 * width)))
        } else if wide < tall {
            return (max(1, (2 * width * boundHeight + height) / (2 * height)), boundHeight)
        }
        return (boundWidth, boundHeight)
    }

    /// Resizes one image according to the stage's parameters.
    public func resize(_ image: RGBImage) throws(BuiltinStageError) -> RGBImage {
        do {
            switch mode {
            case .exact:
                return try image.resized(width: width, height: height, filter: filter)
            case .fit:
                let size = Self.fittedSize(width: image.width, height: image.height, boundWidth: width, boundHeight: height)
                return try image.resized(width: size.width, height: size.height, filter: filter)
            case .letterbox:
                let size = Self.fittedSize(width: image.width, height: image.height, boundWidth: width, boundHeight: height)
                let fitted = try image.resized(width: size.width, height: size.height, filter: filter)
                return Self.pad(fitted, toWidth: width, height: height, color: padColor)
            }
        } catch {
            throw .imageOperation(error)
        }
    }

    /// `image` centred on a `width` x `height` canvas of `color` (image no larger than the canvas).
    static func pad(_ image: RGBImage, toWidth width: Int, height: Int, color: RGBColor) -> RGBImage {
        var canvas = RGBImage(width: width, height: height, fill: color)
        let left = (width - image.width) / 2, top = (height - image.height) / 2
        let rowBytes = image.width * 3
        for y in 0..<image.height {
            let source = y * rowBytes, target = ((top + y) * width + left) * 3
            canvas.pixels.replaceSubrange(target..<(target + rowBytes), with: image.pixels[source..<(source + rowBytes)])
        }
        return canvas
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        let input = try inputs.image("image")
        return ["image": .image(ImageValue(image: try resize(input.image), relativePath: input.relativePath))]
    }
}
