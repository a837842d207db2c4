import VisFiles

/// Turns a parsed `pipeline.json` tree into a `PipelineDocument`, strictly: unknown keys, wrong
/// JSON types, missing required keys, repeated keys, bad names and malformed selectors are all
/// reported (every one, with its JSON path), and reading goes on past each so that one run of
/// `vispipe validate` lists everything.
///
/// Parts that could not be read are left out of the document and recorded in `Damage`, so that
/// validation does not pile follow-on errors onto them (a stage without a readable `type` is not
/// also reported as "missing required input").
public enum PipelineDocumentReader {
    /// The document read so far, the problems found, and what could not be read.
    public struct Reading: Sendable {
        public var document: PipelineDocument
        public var issues: [ValidationIssue]
        public var damage: Damage
    }

    /// What reading had to skip.
    public struct Damage: Sendable {
        /// `stages` is missing or not an array: references to stages cannot be checked.
        public var stagesUnreadable = false
        /// `inputs` is not an object: references to graph inputs cannot be checked.
        public var graphInputsUnreadable = false
        /// Graph inputs whose name or type is invalid (already reported; references to them are not).
        public var unreadableGraphInputs: Set<String> = []
        /// Stages (by JSON path) whose `type` is missing or not a string (their ports are unknown).
        public var stagesWithoutType: Set<String> = []
        /// Stages (by JSON path) whose `params` is not an object.
        public var unreadableParams: Set<String> = []
        /// Stages (by JSON path) whose `inputs` is not an object.
        public var unreadableInputs: Set<String> = []
        /// Input ports (JSON paths such as `stages[1].inputs.image`) whose selector is malformed.
        public var unreadableInputPorts: Set<String> = []
        public init() {}
    }

    public static let topLevelKeys = ["version", "description", "inputs", "stages", "outputs"]
    public static let stageKeys = ["name", "type", "params", "inputs"]
    /// The only format version so far.
    public static let supportedVersion = 1

    /// Reads `root` (the whole file); relative paths in parameters will resolve against `baseDirectory`.
    public static func read(_ root: JSONNode, baseDirectory: String) -> Reading {
        var issues: [ValidationIssue] = []
        var damage = Damage()
        var document = PipelineDocument(version: 0, description: nil, inputs: [], stages: [], outputs: [], baseDirectory: baseDirectory)
        let rootPath = JSONPath.root

        guard let members = root.members else {
            issues.append(.error(rootPath.description, "expected an object with \"version\", \"stages\" and \"outputs\", found \(describe(root))"))
            damage.stagesUnreadable = true
            damage.graphInputsUnreadable = true
            return Reading(document: document, issues: issues, damage: damage)
        }
        let fields = uniqueMembers(members, at: rootPath, noun: "key", allowed: topLevelKeys, context: "at the top level", issues: &issues)

        // version
        if let node = fields["version"] {
            let path = rootPath.key("version").description
            if let value = node.doubleValue, value == value.rounded(), abs(value) < 1e9 {
                document.version = Int(value)
                if document.version != supportedVersion {
                    issues.append(.error(path, "unsupported format version: expected \(supportedVersion), found \(document.version)"))
                }
            } else {
                issues.append(.error(path, "expected the integer \(supportedVersion), found \(describe(node))"))
            }
        } else {
            issues.append(.error(rootPath.key("version").description, "missing required key: expected \"version\": \(supportedVersion)"))
        }

        // description
        if let node = fields["description"] {
            if case .string(let text) = node.kind { document.description = text }
            else { issues.append(.error(rootPath.key("description").description, "expected a string, found \(describe(node))")) }
        }

        // inputs
        if let node = fields["inputs"] {
            let path = rootPath.key("inputs")
            if let inputMembers = node.members {
                let inputs = uniqueMembers(inputMembers, at: path, noun: "graph input", allowed: nil, context: nil, issues: &issues)
                for member in inputMembers where inputs[member.key] == member.value {
                    let inputPath = path.key(member.key)
                    damage.unreadableGraphInputs.insert(member.key) // removed again below when readable
                    if !JSONPath.isValidName(member.key) {
                        issues.append(.error(inputPath.description, "invalid graph input name: expected letters, digits, '_' or '-' starting with a letter or '_', found \"\(member.key)\""))
                        continue
                    }
                    guard case .string(let typeName) = member.value.kind else {
                        issues.append(.error(inputPath.description, "expected a port type (\(portTypeList)), found \(describe(member.value))"))
                        continue
                    }
                    guard let type = PortType(rawValue: typeName) else {
                        issues.append(.error(inputPath.description, "unknown port type: expected one of \(portTypeList), found \"\(typeName)\"" + NameSuggestion.hint(for: typeName, among: PortType.allCases.map(\.rawValue))))
                        continue
                    }
                    damage.unreadableGraphInputs.remove(member.key)
                    document.inputs.append(.init(name: member.key, type: type, jsonPath: inputPath.description))
                }
            } else {
                issues.append(.error(path.description, "expected an object of graph input name -> port type, found \(describe(node))"))
                damage.graphInputsUnreadable = true
            }
        }

        // stages
        if let node = fields["stages"] {
            let path = rootPath.key("stages")
            if case .array(let entries) = node.kind {
                for (index, entry) in entries.enumerated() {
                    if let stage = readStage(entry, at: path.index(index), issues: &issues, damage: &damage) {
                        document.stages.append(stage)
                    }
                }
            } else {
                issues.append(.error(path.description, "expected an array of stage objects, found \(describe(node))"))
                damage.stagesUnreadable = true
            }
        } else {
            issues.append(.error(rootPath.key("stages").description, "missing required key: expected \"stages\": an array of stage objects"))
            damage.stagesUnreadable = true
        }

        // outputs
        if let node = fields["outputs"] {
            let path = rootPath.key("outputs")
            if let outputMembers = node.members {
                if outputMembers.isEmpty {
                    issues.append(.error(path.description, "expected at least one output (name -> selector), found an empty object"))
                }
                let outputs = uniqueMembers(outputMembers, at: path, noun: "output name", allowed: nil, context: nil, issues: &issues)
                for member in outputMembers where outputs[member.key] == member.value {
                    let outputPath = path.key(member.key)
                    if !JSONPath.isValidName(member.key) {
                        issues.append(.error(outputPath.description, "invalid output name: expected letters, digits, '_' or '-' starting with a letter or '_', found \"\(member.key)\""))
                        continue
                    }
                    if let selector = readSelector(member.value, at: outputPath, issues: &issues) {
                        document.outputs.append(.init(name: member.key, selector: selector, jsonPath: outputPath.description))
                    }
                }
            } else {
                issues.append(.error(path.description, "expected an object of output name -> selector, found \(describe(node))"))
            }
        } else {
            issues.append(.error(rootPath.key("outputs").description, "missing required key: expected \"outputs\": an object of output name -> selector"))
        }

        return Reading(document: document, issues: issues, damage: damage)
    }

    private static func readStage(_ entry: JSONNode, at path: JSONPath, issues: inout [ValidationIssue], damage: inout Damage) -> PipelineDocument.StageEntry? {
        guard let members = entry.members else {
            issues.append(.error(path.description, "expected a stage object with \"name\", \"type\", \"params\" and \"inputs\", found \(describe(entry))"))
            return nil
        }
        let fields = uniqueMembers(members, at: path, noun: "key", allowed: stageKeys, context: "in a stage", issues: &issues)

        var name: String?
        if let node = fields["name"] {
            if case .string(let text) = node.kind {
                if text == "inputs" {
                    issues.append(.error(path.key("name").description, "reserved stage name: \"inputs\" is how selectors name graph inputs ($inputs.NAME); choose another name"))
                } else if JSONPath.isValidName(text) {
                    name = text
                } else {
                    issues.append(.error(path.key("name").description, "invalid stage name: expected letters, digits, '_' or '-' starting with a letter or '_', found \"\(text)\""))
                }
            } else {
                issues.append(.error(path.key("name").description, "expected a string, found \(describe(node))"))
            }
        } else {
            issues.append(.error(path.key("name").description, "missing required key: expected \"name\": a stage name"))
        }

        var type: String?
        if let node = fields["type"] {
            if case .string(let text) = node.kind { type = text }
            else { issues.append(.error(path.key("type").description, "expected a stage type name (string), found \(describe(node))")) }
        } else {
            issues.append(.error(path.key("type").description, "missing required key: expected \"type\": a stage type (see `vispipe stages`)"))
        }

        var params: [String: JSONValue] = [:]
        if let node = fields["params"] {
            if let paramMembers = node.members {
                let unique = uniqueMembers(paramMembers, at: path.key("params"), noun: "parameter", allowed: nil, context: nil, issues: &issues)
                params = unique.mapValues(\.value)
            } else {
                issues.append(.error(path.key("params").description, "expected an object of parameter name -> value, found \(describe(node))"))
                damage.unreadableParams.insert(path.description)
            }
        }

        var inputs: [String: Selector] = [:]
        if let node = fields["inputs"] {
            let inputsPath = path.key("inputs")
            if let inputMembers = node.members {
                let unique = uniqueMembers(inputMembers, at: inputsPath, noun: "input port", allowed: nil, context: nil, issues: &issues)
                for member in inputMembers where unique[member.key] == member.value {
                    if let selector = readSelector(member.value, at: inputsPath.key(member.key), issues: &issues) {
                        inputs[member.key] = selector
                    } else {
                        damage.unreadableInputPorts.insert(inputsPath.key(member.key).description)
                    }
                }
            } else {
                issues.append(.error(inputsPath.description, "expected an object of input port -> selector, found \(describe(node))"))
                damage.unreadableInputs.insert(path.description)
            }
        }

        guard let name else { return nil }
        if type == nil { damage.stagesWithoutType.insert(path.description) }
        return PipelineDocument.StageEntry(name: name, type: type ?? "", params: params, inputs: inputs, jsonPath: path.description)
    }

    private static func readSelector(_ node: JSONNode, at path: JSONPath, issues: inout [ValidationIssue]) -> Selector? {
        guard case .string(let text) = node.kind else {
            issues.append(.error(path.description, "expected a selector string (\"$inputs.NAME\" or \"$STAGE.PORT\"), found \(describe(node))"))
            return nil
        }
        guard let selector = Selector(parsing: text) else {
            issues.append(.error(path.description, "malformed selector: expected \"$inputs.NAME\" or \"$STAGE.PORT\", found \"\(text)\""))
            return nil
        }
        return selector
    }

    /// The members of an object by key, reporting repeated keys and (when `allowed` is given) keys
    /// outside `allowed`. For a repeated key the first occurrence is kept.
    private static func uniqueMembers(_ members: [JSONMember], at path: JSONPath, noun: String, allowed: [String]?,
                                      context: String?, issues: inout [ValidationIssue]) -> [String: JSONNode] {
        var result: [String: JSONNode] = [:]
        for member in members {
            let memberPath = path.key(member.key).description
            if let first = result[member.key] {
                issues.append(.error(memberPath, "duplicate \(noun) \"\(member.key)\": expected each \(noun) once, found it again at line \(member.value.position.line), column \(member.value.position.column) (first at line \(first.position.line), column \(first.position.column))"))
                continue
            }
            if let allowed, !allowed.contains(member.key) {
                issues.append(.error(memberPath, "unknown key \"\(member.key)\"\(context.map { " \($0)" } ?? ""): expected one of \(allowed.joined(separator: ", "))" + NameSuggestion.hint(for: member.key, among: allowed)))
                continue
            }
            result[member.key] = member.value
        }
        return result
    }

    static var portTypeList: String { PortType.allCases.map(\.rawValue).joined(separator: ", ") }

    /// A found value for messages: its JSON type and, when short, the value itself.
    static func describe(_ node: JSONNode) -> String { describe(node.value) }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        case .object(let members): return members.isEmpty ? "an empty object" : "an object"
        default:
            let text = value.description
            return "\(value.typeName) \(text.count > 60 ? String(text.prefix(57)) + "…" : text)"
        }
    }
}
