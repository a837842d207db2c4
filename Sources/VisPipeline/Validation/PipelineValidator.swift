import Foundation

/// Checks a read `PipelineDocument` against the stage registry: stage types, parameters, inputs,
/// selectors, port types, duplicate names, cycles and reachability. Every problem is collected;
/// the resolved stages are only meaningful when no error was found.
enum PipelineValidator {
    struct Outcome {
        var issues: [ValidationIssue]
        /// Stages in dependency order (complete only without errors).
        var stages: [ResolvedStage]
        var outputs: [PipelineOutput]
    }

    static func validate(_ reading: PipelineDocumentReader.Reading, registry: StageRegistry) -> Outcome {
        let document = reading.document, damage = reading.damage
        var issues: [ValidationIssue] = []
        let knownTypes = registry.descriptors.map(\.type)

        // Stage names: the first stage with a name owns it.
        var stageIndex: [String: Int] = [:]
        for (index, stage) in document.stages.enumerated() {
            if let first = stageIndex[stage.name] {
                issues.append(.error(stage.jsonPath + ".name", "duplicate stage name \"\(stage.name)\": expected unique stage names, found it already at \(document.stages[first].jsonPath)"))
            } else {
                stageIndex[stage.name] = index
            }
        }
        let graphInputs = Dictionary(document.inputs.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        let descriptors: [StageDescriptor?] = document.stages.map { registry.type(named: $0.type)?.descriptor }

        /// The type of the value `selector` names, or `nil` (with an issue when the selector is
        /// wrong; silently when the thing it names could not be read).
        func producedType(_ selector: Selector, at path: String) -> PortType? {
            switch selector.source {
            case .graphInput(let name):
                if let type = graphInputs[name] { return type }
                if damage.graphInputsUnreadable || damage.unreadableGraphInputs.contains(name) { return nil }
                let names = document.inputs.map(\.name)
                issues.append(.error(path, "selector \"\(selector)\" refers to an undefined graph input: expected one of \(names.isEmpty ? "(none declared in \"inputs\")" : names.joined(separator: ", ")), found \"\(name)\"" + NameSuggestion.hint(for: name, among: names)))
                return nil
            case .stageOutput(let stageName, let port):
                guard let index = stageIndex[stageName] else {
                    if damage.stagesUnreadable { return nil }
                    let names = document.stages.map(\.name)
                    issues.append(.error(path, "selector \"\(selector)\" refers to an undefined stage: expected one of \(names.isEmpty ? "(no stages)" : names.joined(separator: ", ")), found \"\(stageName)\"" + NameSuggestion.hint(for: stageName, among: names)))
                    return nil
                }
                guard let descriptor = descriptors[index] else { return nil }
                guard let spec = descriptor.output(named: port) else {
                    let ports = descriptor.outputs.map(\.name)
                    issues.append(.error(path, "selector \"\(selector)\" refers to an undefined output port of stage \"\(stageName)\" (type \(descriptor.type)): expected one of \(ports.isEmpty ? "(none)" : ports.joined(separator: ", ")), found \"\(port)\"" + NameSuggestion.hint(for: port, among: ports)))
                    return nil
                }
                return spec.type
            }
        }

        var edges = Set<StageGraphOrder.Edge>()
        /// For each edge, the consuming input's JSON path (to point at when the edge closes a cycle).
        var edgePaths: [StageGraphOrder.Edge: String] = [:]
        var parameters: [StageParameters] = []

        for (index, stage) in document.stages.enumerated() {
            let descriptor = descriptors[index]
            if descriptor == nil, !damage.stagesWithoutType.contains(stage.jsonPath) {
                issues.append(.error(stage.jsonPath + ".type", "unknown stage type: expected one of \(knownTypes.isEmpty ? "(no stage types registered)" : knownTypes.joined(separator: ", ")), found \"\(stage.type)\"" + NameSuggestion.hint(for: stage.type, among: knownTypes)))
            }

            // Parameters.
            if let descriptor {
                parameters.append(ParameterResolver.resolve(
                    stage.params, of: descriptor, stageName: stage.name, stagePath: stage.jsonPath,
                    paramsReadable: !damage.unreadableParams.contains(stage.jsonPath),
                    baseDirectory: document.baseDirectory, issues: &issues))
            } else {
                parameters.append(StageParameters([:]))
            }

            // Inputs: unknown ports, missing required ports, then each connection.
            if let descriptor {
                let declared = descriptor.inputs.map(\.name)
                for port in stage.inputs.keys.sorted() where descriptor.input(named: port) == nil {
                    issues.append(.error(inputPath(stage, port), "unknown input port \"\(port)\" for stage type \"\(descriptor.type)\": expected one of \(declared.isEmpty ? "(none)" : declared.joined(separator: ", "))" + NameSuggestion.hint(for: port, among: declared)))
                }
                if !damage.unreadableInputs.contains(stage.jsonPath) {
                    for spec in descriptor.inputs where spec.required && stage.inputs[spec.name] == nil
                        && !damage.unreadableInputPorts.contains(inputPath(stage, spec.name)) {
                        issues.append(.error(inputPath(stage, spec.name), "missing required input \"\(spec.name)\" of stage \"\(stage.name)\" (type \(descriptor.type)): expected a selector to a value of type \(spec.type)"))
                    }
                }
            }
            for port in stage.inputs.keys.sorted() {
                let selector = stage.inputs[port]!
                let path = inputPath(stage, port)
                if case .stageOutput(let producer, _) = selector.source, let producerIndex = stageIndex[producer] {
                    let edge = StageGraphOrder.Edge(from: producerIndex, to: index)
                    edges.insert(edge)
                    if edgePaths[edge] == nil { edgePaths[edge] = path }
                }
                guard let found = producedType(selector, at: path) else { continue }
                if let expected = descriptor?.input(named: port)?.type, expected != found {
                    issues.append(.error(path, "port type mismatch: expected \(expected), found \(found) (from \"\(selector)\")"))
                }
            }
        }

        // Graph outputs.
        var outputs: [PipelineOutput] = []
        for output in document.outputs {
            if let type = producedType(output.selector, at: output.jsonPath) {
                outputs.append(PipelineOutput(name: output.name, selector: output.selector, type: type, jsonPath: output.jsonPath))
            }
        }

        // Order and cycles.
        let sorted = StageGraphOrder.sort(nodeCount: document.stages.count, edges: edges)
        for cycle in sorted.cycles {
            let names = (cycle + [cycle[0]]).map { document.stages[$0].name }
            let closing = StageGraphOrder.Edge(from: cycle.last!, to: cycle[0])
            issues.append(.error(edgePaths[closing] ?? document.stages[cycle[0]].jsonPath,
                                 "cycle: \(names.joined(separator: " -> ")): expected an acyclic graph, found stage \"\(names[0])\" depending on its own output"))
        }

        // Stages whose results reach no declared output (warnings).
        if !document.outputs.isEmpty {
            var reaching = Set<Int>()
            var frontier: [Int] = document.outputs.compactMap { output in
                if case .stageOutput(let stage, _) = output.selector.source { return stageIndex[stage] }
                return nil
            }
            var producers = [[Int]](repeating: [], count: document.stages.count)
            for edge in edges { producers[edge.to].append(edge.from) }
            while let next = frontier.popLast() {
                guard reaching.insert(next).inserted else { continue }
                frontier += producers[next]
            }
            for (index, stage) in document.stages.enumerated() where !reaching.contains(index) && stageIndex[stage.name] == index {
                issues.append(.warning(stage.jsonPath, "stage \"\(stage.name)\" reaches no output: its results are never used (expected a path from it to an entry of \"outputs\")"))
            }
        }

        // Path parameters that name nothing (warnings: the file may appear before the run).
        for (index, stage) in document.stages.enumerated() {
            guard let descriptor = descriptors[index] else { continue }
            for spec in descriptor.parameters where spec.kind == .path && stage.params[spec.name] != nil {
                if let path = parameters[index].string(spec.name), !FileManager.default.fileExists(atPath: path) {
                    issues.append(.warning(stage.jsonPath + ".params." + spec.name, "path does not exist: \(path)"))
                }
            }
        }

        var stages: [ResolvedStage] = []
        for index in sorted.order {
            let stage = document.stages[index]
            guard stageIndex[stage.name] == index, let type = registry.type(named: stage.type) else { continue }
            stages.append(ResolvedStage(name: stage.name, type: type, parameters: parameters[index], inputs: stage.inputs, jsonPath: stage.jsonPath))
        }
        return Outcome(issues: issues, stages: stages, outputs: outputs)
    }

    private static func inputPath(_ stage: PipelineDocument.StageEntry, _ port: String) -> String {
        let suffix = JSONPath.root.key(port).description
        return stage.jsonPath + ".inputs" + (suffix.hasPrefix("[") ? suffix : "." + suffix)
    }
}
