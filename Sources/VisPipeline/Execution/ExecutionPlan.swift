import Foundation

/// The executable form of a pipeline: what the executor and the batch runner need, nothing about
/// JSON. Built from a validated pipeline (`ExecutionPlan(validated:)`) or by hand in tests.
public struct ExecutionPlan: Sendable {
    /// One stage to run: its type (to instantiate it), resolved parameters and input wiring.
    public struct PlannedStage: Sendable {
        public var name: String
        public var type: StageType
        public var parameters: StageParameters
        /// Input port -> where its value comes from.
        public var inputs: [String: Selector]

        public init(name: String, type: StageType, parameters: StageParameters, inputs: [String: Selector]) {
            self.name = name; self.type = type; self.parameters = parameters; self.inputs = inputs
        }
    }

    /// A declared graph output: what it is called in results and which value it is.
    public struct Output: Sendable {
        public var name: String
        public var selector: Selector
        public var type: PortType

        public init(name: String, selector: Selector, type: PortType) {
            self.name = name; self.selector = selector; self.type = type
        }
    }

    /// Pipeline name (used for the default output folder), e.g. the pipeline file's base name.
    public var name: String
    /// Graph inputs by name and type; the batch runner feeds `file` and, when declared, `relative_path`.
    public var inputs: [String: PortType]
    /// Stages in dependency order: every stage's inputs come from graph inputs or earlier stages.
    public var stages: [PlannedStage]
    public var outputs: [Output]
    /// Identifies the pipeline (SHA-256 hex of its canonical JSON): runs with different hashes never
    /// share committed results.
    public var hash: String
    /// Model files whose hashes go into `run.json`.
    public var modelFiles: [String]

    public init(name: String, inputs: [String: PortType], stages: [PlannedStage], outputs: [Output],
                hash: String, modelFiles: [String]) {
        self.name = name; self.inputs = inputs; self.stages = stages; self.outputs = outputs
        self.hash = hash; self.modelFiles = modelFiles
    }

    /// The graph input holding each image file's absolute path.
    public static let fileInput = "file"
    /// The optional graph input holding the file's path relative to its input root.
    public static let relativePathInput = "relative_path"

    /// The value whose size `results.jsonl` reports as the image size: the first image-typed output
    /// of the first stage that reads the `file` input (the decode stage), `nil` when there is none.
    public var sourceImage: Selector? {
        let fileSelector = Selector(.graphInput(Self.fileInput))
        for stage in stages where stage.inputs.values.contains(fileSelector) {
            if let port = stage.type.descriptor.outputs.first(where: { $0.type == .image }) {
                return Selector(.stageOutput(stage: stage.name, port: port.name))
            }
        }
        return nil
    }

    /// Checks what the executor relies on: unique stage names, every selector pointing at a graph
    /// input or a port declared by an earlier stage, and outputs with the type they claim.
    public func check() throws(ExecutionPlanError) {
        var portTypes: [Selector: PortType] = [:]
        for (name, type) in inputs { portTypes[Selector(.graphInput(name))] = type }
        var seen = Set<String>()
        for stage in stages {
            guard seen.insert(stage.name).inserted else { throw .duplicateStage(stage.name) }
            for (port, selector) in stage.inputs.sorted(by: { $0.key < $1.key }) {
                guard let found = portTypes[selector] else {
                    throw .unresolvedSelector(stage: stage.name, port: port, selector: selector.description)
                }
                if let expected = stage.type.descriptor.input(named: port)?.type, expected != found {
                    throw .typeMismatch(consumer: "\(stage.name).\(port)", selector: selector.description,
                                        expected: expected, found: found)
                }
            }
            for port in stage.type.descriptor.outputs {
                portTypes[Selector(.stageOutput(stage: stage.name, port: port.name))] = port.type
            }
        }
        for output in outputs {
            guard let found = portTypes[output.selector] else {
                throw .unresolvedSelector(stage: "outputs", port: output.name, selector: output.selector.description)
            }
            guard found == output.type else {
                throw .typeMismatch(consumer: "outputs.\(output.name)", selector: output.selector.description,
                                    expected: output.type, found: found)
            }
        }
    }

    /// The model files a set of stages reads: every `path`-kind parameter, expanded to the regular
    /// files inside it when it names a directory (sorted, non-recursive; hidden files skipped).
    public static func modelFiles(of stages: [PlannedStage]) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for stage in stages {
            for spec in stage.type.descriptor.parameters where spec.kind == .path {
                guard let path = stage.parameters.string(spec.name) else { continue }
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if !isDirectory.boolValue { files.append(path); continue }
                let names = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                for name in names {
                    let child = (path as NSString).appendingPathComponent(name)
                    var childIsDirectory: ObjCBool = false
                    if manager.fileExists(atPath: child, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        files.append(child)
                    }
                }
            }
        }
        var unique = Set<String>()
        return files.filter { unique.insert($0).inserted }
    }
}
