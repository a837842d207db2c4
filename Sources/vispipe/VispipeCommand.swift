import ArgumentParser
import VisTensor

@main
struct VispipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vispipe",
        abstract: "Run attention-based vision models as a dataflow graph over folders of images.",
        version: VispipeVersion.string
    )
}
