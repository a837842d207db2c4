import VisImage
import VisTensor

/// `draw_mask`: blends a mask or heat map over a copy of the image.
///
/// A binary mask tints the pixels where it is set (value at least 0.5) with `color`; a heat map
/// is rendered with the viridis colour map, normalised by its own minimum and maximum, and blended
/// everywhere. Either may have another size than the image: binary masks are stretched with
/// nearest-neighbour sampling, heat maps resized bilinearly.
public struct DrawMaskStage: Stage {
    public static let descriptor = StageDescriptor(
        type: "draw_mask",
        summary: "Overlay a binary mask (solid colour) or a heat map (viridis) on the image.",
        inputs: [
            PortSpec("image", .image, summary: "The image to draw on."),
            PortSpec("mask", .mask, summary: "A binary mask (tinted where >= 0.5) or a heat map (viridis, min-max normalised)."),
        ],
        outputs: [
            PortSpec("image", .image, summary: "The image with the overlay (same relative path)."),
        ],
        parameters: [
            ParameterSpec("alpha", .number(range: 0...1), default: .number(0.5),
                          summary: "Overlay opacity: 0 leaves the image unchanged, 1 paints the overlay solid."),
            ParameterSpec("color", .string, default: .string("#ff0000"),
                          summary: "Tint for binary masks, \"#rrggbb\" (heat maps use viridis)."),
        ])

    public static var stageType: StageType { StageType(descriptor, DrawMaskStage.self) }

    public let alpha: Double
    public let color: RGBColor

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        alpha = try reader.number("alpha")
        color = try HexColor.parameter("color", from: reader)
    }

    /// `image` with `mask` blended over it.
    public func draw(_ mask: MaskValue, on image: RGBImage) throws(BuiltinStageError) -> RGBImage {
        guard mask.width > 0, mask.height > 0 else {
            throw .invalidInput(port: "mask", detail: "the mask is empty (\(mask.width)x\(mask.height))")
        }
        var canvas = image
        do {
            switch mask.kind {
            case .binary:
                try canvas.overlayMask(mask.values.map { $0 >= 0.5 }, maskWidth: mask.width, maskHeight: mask.height,
                                       color: color, alpha: alpha)
            case .heatMap:
                try canvas.overlayHeatMap(Tensor(shape: [mask.height, mask.width], data: mask.values), alpha: alpha)
            }
        } catch {
            throw .imageOperation(error)
        }
        return canvas
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        let input = try inputs.image("image")
        let mask = try inputs.mask("mask")
        return ["image": .image(ImageValue(image: try draw(mask, on: input.image), relativePath: input.relativePath))]
    }
}
