import ArgumentParser
import VisPipeline

/// `vispipe synth`: synthetic, annotated datasets.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate synthetic annotated datasets.",
        subcommands: [SynthShapesCommand.self]
    )
}

/// `vispipe synth shapes`: deterministic ShapesWorld scenes with COCO annotations (Docs/shapesworld.md).
struct SynthShapesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shapes",
        abstract: "Write ShapesWorld scenes, per-image sidecar JSON and a COCO instances.json.",
        discussion: "The same --seed gives the same bytes for every file (JPEG bytes also depend on the libjpeg build)."
    )

    @Option(help: "Number of scenes.")
    var count: Int

    @Option(help: "Seed of the generator (unsigned 64-bit).")
    var seed: UInt64 = 0

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(help: "Smallest image side in pixels.")
    var minSize = 96

    @Option(help: "Largest image side in pixels.")
    var maxSize = 256

    @Option(help: "Objects with fewer visible pixels are removed from the scene.")
    var minArea = 40

    @Option(help: "Image encoding: png, jpeg or alternate (even scenes PNG, odd JPEG).")
    var format = "alternate"

    func validate() throws {
        if count < 0 { throw ValidationError("--count must be >= 0") }
        if minSize < 16 || maxSize < minSize || maxSize > 4096 {
            throw ValidationError("sizes must satisfy 16 <= --min-size <= --max-size <= 4096")
        }
        if minArea < 1 { throw ValidationError("--min-area must be >= 1") }
        if ShapesWorldWriter.ImageFormat(rawValue: format) == nil {
            throw ValidationError("--format must be png, jpeg or alternate")
        }
    }

    func run() throws {
        let options = ShapesWorldWriter.Options(count: count, seed: seed, minSize: minSize, maxSize: maxSize,
                                                minVisibleArea: minArea,
                                                format: ShapesWorldWriter.ImageFormat(rawValue: format)!)
        do {
            let written = try ShapesWorldWriter.write(options, to: out)
            print("wrote \(count) scenes (\(written.count) files) to \(out)")
        } catch {
            throw CLIFailure(error.message)
        }
    }
}
