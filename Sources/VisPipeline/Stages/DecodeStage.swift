import VisImage

/// `decode`: reads an image file (PNG or JPEG, identified by its bytes) into an `image`.
///
/// The batch runner feeds each input file's absolute path to `file` and its path relative to the
/// input root to `relative_path`; the decoded image carries the latter so outputs can mirror the
/// input tree. Decoding errors name the file and the reason (corrupt, truncated, too large, …).
public struct DecodeStage: Stage {
    public static let descriptor = StageDescriptor(
        type: "decode",
        summary: "Decode a PNG or JPEG file into an RGB image.",
        inputs: [
            PortSpec("file", .text, summary: "Absolute path of the image file."),
            PortSpec("relative_path", .text, required: false,
                     summary: "The file's path relative to its input root; kept on the image for mirrored outputs."),
        ],
        outputs: [
            PortSpec("image", .image, summary: "The decoded 8-bit RGB image."),
        ],
        parameters: [
            ParameterSpec("max_pixels", .integer(range: 1...Int.max), default: .integer(ImageDecodeOptions.defaultMaximumPixels),
                          summary: "Refuse images whose header announces more pixels than this (checked before decoding)."),
            ParameterSpec("alpha", .choice(["composite-white", "composite-black", "drop"]), default: .string("composite-white"),
                          summary: "Transparent pixels: blend over white or black, or drop the alpha channel as Pillow's convert(\"RGB\") does."),
            ParameterSpec("exif_orientation", .boolean, default: .boolean(true),
                          summary: "Rotate/flip according to the EXIF orientation tag, as PIL.ImageOps.exif_transpose."),
        ])

    public static var stageType: StageType { StageType(descriptor, DecodeStage.self) }

    /// The decoder options the parameters describe.
    public let options: ImageDecodeOptions

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        let alpha: AlphaHandling
        switch try reader.string("alpha") {
        case "composite-black": alpha = .composite(on: .black)
        case "drop": alpha = .drop
        default: alpha = .composite(on: .white)
        }
        options = ImageDecodeOptions(maximumPixels: try reader.integer("max_pixels"), alpha: alpha,
                                     applyExifOrientation: try reader.boolean("exif_orientation"))
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        let path = try inputs.text("file")
        let relativePath = try inputs.optionalText("relative_path")
        do {
            let image = try ImageDecoder.decode(contentsOf: path, options: options)
            return ["image": .image(ImageValue(image: image, relativePath: relativePath))]
        } catch {
            throw BuiltinStageError.decode(error)
        }
    }
}
