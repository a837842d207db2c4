import ArgumentParser

/// `vispipe forward <model> …`: one subcommand per model family, sharing `ForwardOptions`.
/// A new model adds its own `Forward<Model>Command` to `subcommands`.
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run one model's forward pass on an image (or prepared inputs) and write its outputs.",
        discussion: """
            Writes the model's inputs and raw outputs as a safetensors file under transformers' \
            names, prints the decoded result, and with --repeat times the forward pass. \
            See Docs/forward.md.
            """,
        subcommands: [ForwardDetrCommand.self]
    )
}
