import ArgumentParser
import VisPipeline

/// `vispipe stages`: the stage types pipelines can use, from the registry that validation uses.
struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the stage types: ports with types, parameters with type, default and range.",
        discussion: "--json prints the same as JSON; --schema prints the pipeline file's JSON Schema (Docs/pipeline.schema.json)."
    )

    @Flag(help: "Print the stage types as JSON.")
    var json = false

    @Flag(help: "Print the JSON Schema (draft 2020-12) of pipeline files for these stage types.")
    var schema = false

    func validate() throws {
        if json && schema { throw ValidationError("--json and --schema are exclusive") }
    }

    func run() {
        let registry = BuiltinStages.registry
        if schema {
            print(PipelineSchema.text(for: registry), terminator: "")
        } else if json {
            print(JSONWriter.pretty(StageCatalog.json(for: registry)), terminator: "")
        } else {
            print(StageTable.text(for: registry), terminator: "")
        }
    }
}
