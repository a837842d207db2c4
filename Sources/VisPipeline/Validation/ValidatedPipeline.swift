/// A pipeline that passed validation: what the executor runs.
public struct ValidatedPipeline: Sendable {
    /// The file as read (after `--set` overrides).
    public var document: PipelineDocument
    /// Every stage in dependency order: a stage comes after every stage it reads from.
    public var stages: [ResolvedStage]
    /// The declared outputs in file order, each with the type of the value it names.
    public var outputs: [PipelineOutput]
    /// Problems that do not stop the pipeline (a stage that reaches no output, a missing path).
    public var warnings: [ValidationIssue]
    /// SHA-256 (hex) of `canonicalJSON`: identifies the pipeline in run records and for `--resume`.
    public var hash: String
    /// The file's JSON after overrides with sorted keys and no whitespace.
    public var canonicalJSON: String

    public init(document: PipelineDocument, stages: [ResolvedStage], outputs: [PipelineOutput],
                warnings: [ValidationIssue], hash: String, canonicalJSON: String) {
        self.document = document; self.stages = stages; self.outputs = outputs
        self.warnings = warnings; self.hash = hash; self.canonicalJSON = canonicalJSON
    }

    /// The graph inputs the runner must feed (name and type), in file order.
    public var inputs: [PipelineDocument.GraphInput] { document.inputs }

    public func stage(named name: String) -> ResolvedStage? { stages.first { $0.name == name } }
}

/// One stage instance ready to build: its type, resolved parameters and connected inputs.
public struct ResolvedStage: Sendable {
    public var name: String
    public var type: StageType
    /// Every declared parameter: explicit values (checked, paths made absolute) and defaults.
    public var parameters: StageParameters
    /// Connected input ports -> where their values come from. Unconnected optional ports are absent.
    public var inputs: [String: Selector]
    /// `stages[i]` in the file, for messages at run time.
    public var jsonPath: String

    public init(name: String, type: StageType, parameters: StageParameters, inputs: [String: Selector], jsonPath: String) {
        self.name = name; self.type = type; self.parameters = parameters; self.inputs = inputs; self.jsonPath = jsonPath
    }

    public var descriptor: StageDescriptor { type.descriptor }
}

/// A declared graph output with the type of the value its selector names.
public struct PipelineOutput: Sendable, Equatable {
    public var name: String
    public var selector: Selector
    public var type: PortType
    /// `outputs.NAME` in the file.
    public var jsonPath: String

    public init(name: String, selector: Selector, type: PortType, jsonPath: String) {
        self.name = name; self.selector = selector; self.type = type; self.jsonPath = jsonPath
    }
}
