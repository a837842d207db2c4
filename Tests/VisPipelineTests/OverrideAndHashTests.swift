import Foundation
import Testing
import VisFiles
import VisPipeline

@Suite struct OverrideTests {
    @Test func valuesParseAsJSONOrElseAsText() throws {
        func value(_ text: String) throws -> JSONValue {
            guard case .success(let override) = ParameterOverride.parse(text) else { throw ValidationIssue.error("", "parse failed") }
            return override.value
        }
        #expect(try value("a.b=0.7") == .number(0.7))
        #expect(try value("a.b=true") == .bool(true))
        #expect(try value(#"a.b=["cat","dog"]"#) == .array([.string("cat"), .string("dog")]))
        #expect(try value(#"a.b="7""#) == .string("7"))
        #expect(try value("a.b=drop") == .string("drop"))
        #expect(try value("a.b=x=y") == .string("x=y"))
        #expect(try value("a.b=") == .string(""))
        guard case .success(let override) = ParameterOverride.parse("detector.top_k=3") else { Issue.record("parse failed"); return }
        #expect(override.stage == "detector" && override.parameter == "top_k" && override.text == "detector.top_k=3")
        for malformed in ["detector", "detector=3", ".x=3", "detector.=3"] {
            guard case .failure(let issue) = ParameterOverride.parse(malformed) else { Issue.record("\(malformed) parsed"); continue }
            #expect(issue.jsonPath == "--set \(malformed)")
        }
    }

    @Test func overridesReplaceAndAddParameters() throws {
        let pipeline = try PipelineLoader.load(
            text: baseline, baseDirectory: "/p",
            overrides: ["detector.threshold=0.25", #"detector.labels=["person"]"#, "source.alpha=drop", "draw.thickness=5"],
            registry: TestStages.registry)
        let detector = try #require(pipeline.stage(named: "detector")).parameters
        #expect(detector.number("threshold") == 0.25)
        #expect(detector.stringList("labels") == ["person"])
        #expect(pipeline.stage(named: "source")?.parameters.string("alpha") == "drop")
        #expect(pipeline.stage(named: "draw")?.parameters.integer("thickness") == 5)
        // The document shows the overridden values too.
        #expect(pipeline.document.stages[1].params["threshold"] == .number(0.25))
        #expect(pipeline.document.stages[2].params["thickness"] == .number(5))
    }

    @Test func laterOverrideOfTheSameParameterWins() throws {
        let pipeline = try PipelineLoader.load(text: baseline, baseDirectory: "/p",
                                               overrides: ["detector.threshold=0.1", "detector.threshold=0.9"], registry: TestStages.registry)
        #expect(pipeline.stage(named: "detector")?.parameters.number("threshold") == 0.9)
    }
}

@Suite struct PipelineHashTests {
    static func hash(_ json: String, overrides: [String] = []) throws -> String {
        try PipelineLoader.load(text: json, baseDirectory: "/p", overrides: overrides, registry: TestStages.registry).hash
    }

    /// Key order, whitespace and number spelling do not change the hash.
    @Test func stableUnderReorderingAndWhitespace() throws {
        let reordered = #"""
        {"outputs":{"annotated":"$draw.image","boxes":"$detector.detections"},
          "stages":[{"inputs":{"relative_path":"$inputs.relative_path","file":"$inputs.file"},"type":"source","name":"source"},
        {"params":{"threshold":7e-1,"model":"models/m"},"inputs":{"image":"$source.image"},"type":"detect","name":"detector"},
        {"type":"draw","name":"draw","inputs":{"detections":"$detector.detections","image":"$source.image"}}],
        "inputs":{"relative_path":"text","file":"text"},"version":1.0}
        """#
        let expected = try Self.hash(baseline)
        #expect(try Self.hash(reordered) == expected)
        #expect(expected.count == 64 && expected.allSatisfy(\.isHexDigit))
    }

    @Test func isTheSHA256OfTheCanonicalJSON() throws {
        let pipeline = try PipelineLoader.load(text: baseline, baseDirectory: "/p", registry: TestStages.registry)
        #expect(pipeline.canonicalJSON.hasPrefix(#"{"inputs":{"file":"text","relative_path":"text"},"outputs":{"annotated":"$draw.image","boxes":"$detector.detections"},"stages":[{"inputs":"#))
        #expect(!pipeline.canonicalJSON.contains(" "))
        #expect(pipeline.hash == SHA256.hexDigest(Array(pipeline.canonicalJSON.utf8)))
    }

    @Test func changesWithAParameterAndWithOverrides() throws {
        let original = try Self.hash(baseline)
        #expect(try Self.hash(baseline.replacingOccurrences(of: "0.7", with: "0.75")) != original)
        #expect(try Self.hash(baseline, overrides: ["detector.threshold=0.75"]) != original)
        // Overriding with the value already written changes nothing; the override equals the edit.
        #expect(try Self.hash(baseline, overrides: ["detector.threshold=0.7"]) == original)
        #expect(try Self.hash(baseline, overrides: ["detector.threshold=0.75"])
                == Self.hash(baseline.replacingOccurrences(of: "0.7", with: "0.75")))
    }
}

@Suite struct OverridePathTests {
    @Test func relativePathOverrideResolvesAgainstTheWorkingDirectory() throws {
        let folder = ScratchFolder()
        defer { folder.remove() }
        let text = """
            {"version": 1, "inputs": {"file": "text", "relative_path": "text"},
             "stages": [{"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file"}},
                        {"name": "detector", "type": "detr", "params": {"model": "models/in-file"},
                         "inputs": {"image": "$decode.image"}}],
             "outputs": {"detections": "$detector.detections"}}
            """
        let fromFile = try PipelineLoader.load(text: text, baseDirectory: folder.path, registry: BuiltinStages.registry)
        #expect(fromFile.stage(named: "detector")?.parameters.string("model") == folder.path("models/in-file"))
        let overridden = try PipelineLoader.load(text: text, baseDirectory: folder.path,
                                                 overrides: ["detector.model=models/on-command-line"],
                                                 registry: BuiltinStages.registry)
        let cwd = FileManager.default.currentDirectoryPath
        #expect(overridden.stage(named: "detector")?.parameters.string("model") == (cwd as NSString).appendingPathComponent("models/on-command-line"))
    }
}
