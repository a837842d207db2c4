import Foundation
import Testing

/// `vispipe validate` and `vispipe stages` run as processes (against the built-in stage registry).
@Suite struct ValidateAndStagesCommandTests {
    /// A folder with pipeline files written by the test.
    struct Scratch {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-validate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        func write(_ text: String, _ name: String = "pipeline.json") throws -> String {
            let url = root.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Valid whatever stages are registered: it routes a graph input straight to an output.
    static let stageless = #"{"version": 1, "inputs": {"file": "text"}, "stages": [], "outputs": {"path": "$inputs.file"}}"#

    static func builtinStageTypes() -> Set<String> {
        guard let result = try? runVispipe(["stages", "--json"]),
              let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let stages = object["stages"] as? [[String: Any]] else { return [] }
        return Set(stages.compactMap { $0["type"] as? String })
    }

    @Test func validPipelinePrintsValidAndExitsZero() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try runVispipe(["validate", try scratch.write(Self.stageless)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "valid\n")
    }

    @Test func invalidPipelinePrintsEveryIssueAndExitsTwo() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write(#"{"version": 2, "extra": 1, "stages": [], "outputs": {"path": "$inputs.fil"}}"#)
        let result = try runVispipe(["validate", path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("version: unsupported format version: expected 1, found 2"))
        #expect(lines.contains { $0.hasPrefix("extra: unknown key \"extra\" at the top level") })
        #expect(lines.contains { $0.hasPrefix("outputs.path: selector \"$inputs.fil\" refers to an undefined graph input") })
        #expect(lines.last == "vispipe: invalid pipeline \(path): 3 errors")
        #expect(result.stdout.isEmpty)
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try runVispipe(["validate", try scratch.write("{\n  \"version\": 1,\n  \"stages\": [}\n")])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("$: invalid JSON at line 3, column 14: expected a value, found '}'"))
    }

    @Test func overridesAreCheckedAndNamed() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write(Self.stageless)
        let result = try runVispipe(["validate", path, "--set", "nothing.threshold=0.5", "--set", "broken"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--set nothing.threshold=0.5: unknown stage \"nothing\""))
        #expect(result.stderr.contains("--set broken: malformed override"))
    }

    @Test func missingFileExitsTwo() throws {
        let result = try runVispipe(["validate", "/nonexistent/vispipe/pipeline.json"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("$: cannot read the pipeline file"))
    }

    @Test func jsonReportParses() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let valid = try runVispipe(["validate", "--json", try scratch.write(Self.stageless)])
        #expect(valid.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == true)
        #expect((report["hash"] as? String)?.count == 64)

        let invalid = try runVispipe(["validate", "--json", try scratch.write(#"{"version": 1}"#, "bad.json")])
        #expect(invalid.status == 2)
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(invalid.stdout.utf8)) as? [String: Any])
        let issues = try #require(failed["issues"] as? [[String: String]])
        #expect(issues.map { $0["path"] } == ["stages", "outputs"])
        #expect(issues.allSatisfy { $0["severity"] == "error" && !($0["message"] ?? "").isEmpty })
    }

    /// A real pipeline over the built-in stages (runs once they are registered).
    @Test(.enabled(if: builtinStageTypes().contains("decode")))
    func decodePipelineValidates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write(#"""
            {"version": 1, "inputs": {"file": "text", "relative_path": "text"},
             "stages": [{"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}}],
             "outputs": {"image": "$decode.image"}}
            """#)
        let result = try runVispipe(["validate", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("valid\n"))
        let mistyped = try runVispipe(["validate", path, "--set", "decode.no_such_parameter=1"])
        #expect(mistyped.status == 2)
        #expect(mistyped.stderr.contains("unknown parameter \"no_such_parameter\" for stage \"decode\""))
    }

    @Test func stagesJSONParsesAndMatchesTheTable() throws {
        let json = try runVispipe(["stages", "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let stages = try #require(object["stages"] as? [[String: Any]])
        #expect((object["port_types"] as? [String])?.contains("detections") == true)
        let table = try runVispipe(["stages"])
        #expect(table.status == 0)
        for stage in stages {
            let type = try #require(stage["type"] as? String)
            #expect(table.stdout.contains("\(type): "))
            for parameter in (stage["parameters"] as? [[String: Any]]) ?? [] {
                #expect(table.stdout.contains(try #require(parameter["name"] as? String)))
            }
        }
        if stages.isEmpty { #expect(table.stdout == "no stage types registered\n") }
    }

    @Test func schemaFlagPrintsTheCommittedSchema() throws {
        let result = try runVispipe(["stages", "--schema"])
        #expect(result.status == 0)
        let committed = try String(contentsOf: fixturesDirectory.deletingLastPathComponent().appendingPathComponent("Docs/pipeline.schema.json"), encoding: .utf8)
        #expect(result.stdout == committed)
        #expect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) is [String: Any])
        #expect(try runVispipe(["stages", "--json", "--schema"]).status == 2)
    }
}
