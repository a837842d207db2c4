import Foundation
import Testing
import VisPipeline

@Suite struct ValidPipelineTests {
    /// Stages written out of order come back in dependency order; ties keep file order.
    @Test func stagesComeInDependencyOrder() throws {
        let json = #"""
        {"version": 1, "inputs": {"file": "text"},
         "stages": [
           {"name": "draw", "type": "draw", "inputs": {"image": "$mix.image", "detections": "$detector.detections"}},
           {"name": "mix", "type": "blend", "inputs": {"a": "$source.image", "b": "$detector2.image"}},
           {"name": "detector", "type": "detect", "params": {"model": "/m"}, "inputs": {"image": "$source.image"}},
           {"name": "detector2", "type": "blend", "inputs": {"a": "$source.image"}},
           {"name": "source", "type": "source", "inputs": {"file": "$inputs.file"}}
         ],
         "outputs": {"annotated": "$draw.image", "features": "$detector.features", "path": "$inputs.file"}}
        """#
        let pipeline = try PipelineLoader.load(text: json, baseDirectory: "/p", registry: TestStages.registry)
        #expect(pipeline.stages.map(\.name) == ["source", "detector", "detector2", "mix", "draw"])
        #expect(pipeline.outputs == [
            PipelineOutput(name: "annotated", selector: Selector(.stageOutput(stage: "draw", port: "image")), type: .image, jsonPath: "outputs.annotated"),
            PipelineOutput(name: "features", selector: Selector(.stageOutput(stage: "detector", port: "features")), type: .tensor, jsonPath: "outputs.features"),
            PipelineOutput(name: "path", selector: Selector(.graphInput("file")), type: .text, jsonPath: "outputs.path"),
        ])
        let draw = try #require(pipeline.stage(named: "draw"))
        #expect(draw.jsonPath == "stages[0]")
        #expect(draw.descriptor.type == "draw")
        #expect(draw.inputs == ["image": Selector(parsing: "$mix.image")!, "detections": Selector(parsing: "$detector.detections")!])
        #expect(pipeline.warnings.allSatisfy { $0.message.hasPrefix("path does not exist") })
    }

    @Test func optionalInputsMayStayUnconnected() throws {
        let json = #"{"version": 1, "inputs": {"file": "text"}, "stages": [{"name": "s", "type": "source", "inputs": {"file": "$inputs.file"}}], "outputs": {"image": "$s.image"}}"#
        let pipeline = try PipelineLoader.load(text: json, baseDirectory: "/p", registry: TestStages.registry)
        #expect(pipeline.stages.first?.inputs.keys.sorted() == ["file"])
        #expect(pipeline.warnings.isEmpty)
    }

    /// Defaults fill unset parameters; explicit values are typed per declaration; relative paths
    /// resolve against the pipeline's folder.
    @Test func parametersAreResolved() throws {
        let json = baseline.replacingOccurrences(of: #""threshold": 0.7"#,
                                                 with: #""threshold": 1, "top_k": 7, "labels": ["cat"], "verbose": true, "note": "n""#)
        let pipeline = try PipelineLoader.load(text: json, baseDirectory: "/pipelines/coco", registry: TestStages.registry)
        let detector = try #require(pipeline.stage(named: "detector")).parameters
        #expect(detector.values == ["model": .string("/pipelines/coco/models/m"), "threshold": .number(1), "top_k": .integer(7),
                                    "labels": .stringList(["cat"]), "verbose": .boolean(true), "note": .string("n")])
        let source = try #require(pipeline.stage(named: "source")).parameters
        #expect(source.values == ["max_pixels": .integer(1000), "alpha": .string("composite-white")])
        let draw = try #require(pipeline.stage(named: "draw")).parameters
        #expect(draw.integer("thickness") == 2)

        let parent = baseline.replacingOccurrences(of: "models/m", with: "../shared/./models/m")
        let resolved = try PipelineLoader.load(text: parent, baseDirectory: "/pipelines/coco", registry: TestStages.registry)
        #expect(resolved.stage(named: "detector")?.parameters.string("model") == "/pipelines/shared/models/m")
    }

    @Test func stageThatReachesNoOutputIsAWarning() throws {
        let json = baseline.replacingOccurrences(of: #", "annotated": "$draw.image""#, with: "")
        let pipeline = try PipelineLoader.load(text: json, baseDirectory: "/p", registry: TestStages.registry)
        let warning = try #require(pipeline.warnings.first { $0.jsonPath == "stages[2]" })
        #expect(warning.severity == .warning)
        #expect(warning.description == "stages[2]: warning: stage \"draw\" reaches no output: its results are never used (expected a path from it to an entry of \"outputs\")")
        #expect(pipeline.stages.map(\.name) == ["source", "detector", "draw"])
    }

    @Test func missingModelPathIsAWarningAndAnExistingOneIsNot() throws {
        let folder = ScratchFolder()
        defer { folder.remove() }
        let missing = try PipelineLoader.load(text: baseline, baseDirectory: folder.path, registry: TestStages.registry)
        #expect(missing.warnings.map(\.jsonPath) == ["stages[1].params.model"])
        try FileManager.default.createDirectory(atPath: folder.path + "/models/m", withIntermediateDirectories: true)
        let present = try PipelineLoader.load(text: baseline, baseDirectory: folder.path, registry: TestStages.registry)
        #expect(present.warnings.isEmpty)
    }

    /// Loading from a file resolves paths against the file's folder and reports unreadable files.
    @Test func loadsFromAFile() throws {
        let folder = ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write(baseline, to: "sub/pipeline.json")
        let pipeline = try PipelineLoader.load(path: path, registry: TestStages.registry)
        #expect(pipeline.document.baseDirectory == (folder.path as NSString).standardizingPath + "/sub")
        #expect(pipeline.stage(named: "detector")?.parameters.string("model") == (folder.path as NSString).standardizingPath + "/sub/models/m")

        #expect {
            try PipelineLoader.load(path: folder.path + "/absent.json", registry: TestStages.registry)
        } throws: { error in
            guard let error = error as? PipelineLoadError else { return false }
            return error.issues.count == 1 && error.issues[0].jsonPath == "$" && error.issues[0].message.hasPrefix("cannot read the pipeline file")
        }
    }
}
