import Foundation
import VisFiles

/// A `--set STAGE.PARAM=VALUE` command-line override of one stage parameter. The value is read as
/// JSON when it parses (`0.7`, `true`, `["cat","dog"]`, `"text"`), otherwise taken as a plain
/// string (`--set decode.alpha=drop`).
public struct ParameterOverride: Sendable, Equatable {
    public var stage: String
    public var parameter: String
    public var value: JSONValue
    /// The override as written, for messages.
    public var text: String

    public init(stage: String, parameter: String, value: JSONValue, text: String) {
        self.stage = stage; self.parameter = parameter; self.value = value; self.text = text
    }

    /// The JSON path used for problems with the override itself (`--set detector.thresh=0.7`).
    public var issuePath: String { "--set \(text)" }

    /// Parses `STAGE.PARAM=VALUE`; a malformed override is returned as an issue naming it.
    public static func parse(_ text: String) -> Result<ParameterOverride, ValidationIssue> {
        let malformed = ValidationIssue.error("--set \(text)", "malformed override: expected STAGE.PARAM=VALUE (e.g. detector.threshold=0.7), found \"\(text)\"")
        guard let equals = text.firstIndex(of: "=") else { return .failure(malformed) }
        let key = text[..<equals], rawValue = String(text[text.index(after: equals)...])
        guard let dot = key.firstIndex(of: ".") else { return .failure(malformed) }
        let stage = String(key[..<dot]), parameter = String(key[key.index(after: dot)...])
        guard !stage.isEmpty, !parameter.isEmpty else { return .failure(malformed) }
        let value = (try? PipelineJSON.parse(rawValue))?.value ?? .string(rawValue)
        return .success(ParameterOverride(stage: stage, parameter: parameter, value: value, text: text))
    }

    /// Applies `overrides` to the parsed file (before it is read into a document, so the pipeline
    /// hash covers them). Each override must name a stage in the file and, when the stage's type is
    /// known, one of that type's parameters. Returns the problems found and, for each overridden
    /// parameter's JSON path, the override that set it (for messages about the value).
    public static func apply(_ overrides: [ParameterOverride], to root: inout JSONNode,
                             registry: StageRegistry) -> (issues: [ValidationIssue], sources: [String: ParameterOverride]) {
        var issues: [ValidationIssue] = []
        var sources: [String: ParameterOverride] = [:]
        guard case .object(var members) = root.kind,
              let stagesIndex = members.firstIndex(where: { $0.key == "stages" }),
              case .array(var entries) = members[stagesIndex].value.kind else {
            for override in overrides {
                issues.append(.error(override.issuePath, "unknown stage \"\(override.stage)\": the file has no readable \"stages\" array"))
            }
            return (issues, sources)
        }
        let stageNames: [String] = entries.compactMap { entry in
            guard let name = entry.members?.first(where: { $0.key == "name" }), case .string(let text) = name.value.kind else { return nil }
            return text
        }
        for override in overrides {
            let matches = entries.indices.filter { index in
                guard let name = entries[index].members?.first(where: { $0.key == "name" }),
                      case .string(let text) = name.value.kind else { return false }
                return text == override.stage
            }
            guard !matches.isEmpty else {
                issues.append(.error(override.issuePath, "unknown stage \"\(override.stage)\": expected one of \(stageNames.joined(separator: ", "))" + NameSuggestion.hint(for: override.stage, among: stageNames)))
                continue
            }
            for index in matches {
                guard case .object(var entry) = entries[index].kind else { continue }
                if let typeMember = entry.first(where: { $0.key == "type" }), case .string(let typeName) = typeMember.value.kind,
                   let type = registry.type(named: typeName), type.descriptor.parameter(named: override.parameter) == nil {
                    let names = type.descriptor.parameters.map(\.name)
                    issues.append(.error(override.issuePath, "unknown parameter \"\(override.parameter)\" for stage \"\(override.stage)\" (type \(typeName)): expected one of \(names.isEmpty ? "(none)" : names.joined(separator: ", "))" + NameSuggestion.hint(for: override.parameter, among: names)))
                    continue
                }
                var paramsIndex = entry.firstIndex { $0.key == "params" }
                if paramsIndex == nil {
                    entry.append(JSONMember(key: "params", value: JSONNode(.object([]))))
                    paramsIndex = entry.count - 1
                }
                // A `params` that is not an object is reported when the document is read.
                guard let paramsIndex, case .object(var params) = entry[paramsIndex].value.kind else { continue }
                var value = override.value
                // A path typed on the command line is relative to where the command runs, not to
                // the pipeline file's folder (which is what paths written in the file resolve against).
                if let typeMember = entry.first(where: { $0.key == "type" }), case .string(let typeName) = typeMember.value.kind,
                   registry.type(named: typeName)?.descriptor.parameter(named: override.parameter)?.kind == .path,
                   case .string(let path) = value, !path.hasPrefix("/"), !path.hasPrefix("~") {
                    value = .string(ParameterResolver.resolvePath(path, against: FileManager.default.currentDirectoryPath))
                }
                params.removeAll { $0.key == override.parameter }
                params.append(JSONMember(key: override.parameter, value: value.node))
                entry[paramsIndex].value.kind = .object(params)
                entries[index].kind = .object(entry)
                sources[JSONPath.root.key("stages").index(index).key("params").key(override.parameter).description] = override
            }
        }
        members[stagesIndex].value.kind = .array(entries)
        root.kind = .object(members)
        return (issues, sources)
    }
}
