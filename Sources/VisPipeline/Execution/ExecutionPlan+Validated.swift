// PENDING (enable at merge by renaming to .swift): needs `ValidatedPipeline` from pipe-validate.

extension ExecutionPlan {
    /// The executable form of a validated pipeline. `name` names the default output folder
    /// (the pipeline file's base name).
    public init(validated: ValidatedPipeline, name: String) {
        let stages = validated.stages.map { stage in
            PlannedStage(name: stage.name, type: stage.type, parameters: stage.parameters, inputs: stage.inputs)
        }
        var inputs: [String: PortType] = [:]
        for input in validated.document.inputs { inputs[input.name] = input.type }
        self.init(name: name, inputs: inputs, stages: stages,
                  outputs: validated.outputs.map { Output(name: $0.name, selector: $0.selector, type: $0.type) },
                  hash: validated.hash, modelFiles: ExecutionPlan.modelFiles(of: stages))
    }
}
