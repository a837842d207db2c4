import ArgumentParser
import Foundation
import VisTensor

/// Options every `vispipe forward <model>` command takes: where the model and its input are, where
/// the outputs go, how many threads, and the timing mode.
struct ForwardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Model directory (config.json, model.safetensors, optional preprocessor_config.json).",
                                            valueName: "dir"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("Image to preprocess and run (PNG or JPEG).", valueName: "file"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp("""
        Safetensors file with ready model inputs (for DETR: pixel_values [B,3,H,W], pixel_mask [B,H,W]); \
        skips image preprocessing.
        """, valueName: "file"))
    var inputs: String?

    @Option(name: .long, help: ArgumentHelp("Write inputs and raw outputs here (safetensors, written atomically).",
                                            valueName: "file"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Compute threads (vispipe and OpenBLAS); default: all cores.", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Time this many forward passes after one warm-up pass.", valueName: "n"))
    var `repeat`: Int?

    @Flag(name: .long, help: "With --repeat: print only the timing report, as one JSON object.")
    var timingJson = false

    @Flag(name: .long, help: "Print the decoded result as JSON instead of a table.")
    var json = false

    func validate() throws {
        switch (image, inputs) {
        case (nil, nil): throw ValidationError("give --image or --inputs")
        case (.some, .some): throw ValidationError("give --image or --inputs, not both")
        default: break
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, found \(threads)") }
        if let count = `repeat`, count < 1 { throw ValidationError("--repeat must be at least 1, found \(count)") }
        if timingJson && `repeat` == nil { throw ValidationError("--timing-json needs --repeat N") }
        if timingJson && json { throw ValidationError("--json and --timing-json both print to stdout; give one") }
    }

    /// Sets the process-wide thread count when `--threads` was given.
    func applyThreads() {
        if let threads { Parallelism.setThreadCount(threads) }
    }

    /// The model directory, checked to exist.
    func modelDirectory() throws(CLIFailure) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) else {
            throw CLIFailure("model directory '\(model)' does not exist")
        }
        guard isDirectory.boolValue else { throw CLIFailure("--model '\(model)' is not a directory") }
        return model
    }
}
