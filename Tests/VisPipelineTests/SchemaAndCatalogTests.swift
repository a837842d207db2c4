import Foundation
import Testing
import VisPipeline

@Suite struct SchemaAndCatalogTests {
    static let repositoryRoot = fixturesDirectory.deletingLastPathComponent()

    @Test func catalogListsPortsAndParameters() throws {
        let catalog = StageCatalog.json(for: TestStages.registry)
        // Written and parsed back as JSON, as `vispipe stages --json` does.
        let reparsed = try PipelineJSON.parse(JSONWriter.pretty(catalog)).value
        #expect(reparsed == catalog)
        guard case .object(let top) = catalog, case .array(let stages)? = top["stages"] else { Issue.record("shape"); return }
        #expect(stages.count == 4)
        guard case .object(let detect) = stages[1] else { Issue.record("shape"); return }
        #expect(detect["type"] == .string("detect"))
        #expect(detect["inputs"] == .array([.object(["name": .string("image"), "type": .string("image"), "required": .bool(true), "summary": .string("The image.")])]))
        guard case .array(let parameters)? = detect["parameters"], case .object(let threshold) = parameters[1] else { Issue.record("shape"); return }
        #expect(threshold == ["name": .string("threshold"), "kind": .string("number"), "required": .bool(false), "default": .number(0.5),
                              "minimum": .number(0), "maximum": .number(1), "summary": .string("Score threshold.")])
        guard case .object(let model) = parameters[0] else { Issue.record("shape"); return }
        #expect(model["required"] == .bool(true) && model["default"] == nil)
    }

    @Test func schemaDescribesEachStageType() throws {
        let schema = PipelineSchema.schema(for: TestStages.registry)
        guard case .object(let top) = schema, case .object(let definitions)? = top["$defs"] else { Issue.record("shape"); return }
        #expect(top["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        #expect(Set(definitions.keys) == ["name", "selector", "port_type", "stage", "stage_source", "stage_detect", "stage_draw", "stage_blend"])
        guard case .object(let detect)? = definitions["stage_detect"], case .object(let properties)? = detect["properties"],
              case .object(let params)? = properties["params"], case .object(let declared)? = params["properties"] else { Issue.record("shape"); return }
        #expect(declared["threshold"] == .object(["type": .string("number"), "minimum": .number(0), "maximum": .number(1),
                                                  "default": .number(0.5), "description": .string("Score threshold.")]))
        #expect(params["required"] == .array([.string("model")]))
        #expect(params["additionalProperties"] == .bool(false))
        // Open-ended ranges have no bound in the schema.
        guard case .object(let draw)? = definitions["stage_draw"], case .object(let drawProperties)? = draw["properties"],
              case .object(let drawParams)? = drawProperties["params"], case .object(let drawDeclared)? = drawParams["properties"],
              case .object(let thickness)? = drawDeclared["thickness"] else { Issue.record("shape"); return }
        #expect(thickness["minimum"] == .number(1) && thickness["maximum"] == nil)
    }

    /// The selector and name patterns in the schema agree with the reader.
    @Test func schemaPatternsMatchTheReader() throws {
        let selector = try NSRegularExpression(pattern: PipelineSchema.selectorPattern)
        let name = try NSRegularExpression(pattern: PipelineSchema.namePattern)
        func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        for text in ["$inputs.file", "$decode.image", "$my-stage.out_1", "decode.image", "$a.b.c", "$.b", "$a.", "$9a.b"] {
            let readable = Selector(parsing: text).map { selector in
                if case .stageOutput(let stage, _) = selector.source { return JSONPath.isValidName(stage) }
                return true
            } ?? false
            #expect(matches(selector, text) == readable, "\(text)")
        }
        for text in ["decode", "_x", "a-b_9", "9a", "a.b", "", "é"] {
            #expect(matches(name, text) == JSONPath.isValidName(text), "\(text)")
        }
    }

    /// `Docs/pipeline.schema.json` is the schema generated from the built-in stages; regenerate it
    /// with `vispipe stages --schema > Docs/pipeline.schema.json` when a stage's declaration changes.
    @Test func committedSchemaMatchesTheBuiltinRegistry() throws {
        let committed = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("Docs/pipeline.schema.json"), encoding: .utf8)
        #expect(committed == PipelineSchema.text(for: BuiltinStages.registry))
    }

    /// Every example pipeline in `Pipelines/` validates against the built-in stages.
    @Test func examplePipelinesValidate() throws {
        let folder = Self.repositoryRoot.appendingPathComponent("Pipelines")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") {
            do {
                _ = try PipelineLoader.load(path: folder.appendingPathComponent(name).path, registry: BuiltinStages.registry)
            } catch {
                Issue.record("Pipelines/\(name): \(error)")
            }
        }
    }
}
