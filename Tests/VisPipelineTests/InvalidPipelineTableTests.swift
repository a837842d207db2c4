import Testing
import VisPipeline

/// One invalid pipeline and the errors it must produce: each expected error is a JSON path and a
/// fragment of its message.
struct InvalidPipelineCase: Sendable, CustomTestStringConvertible {
    let rule: String
    let json: String
    let overrides: [String]
    let expected: [(path: String, fragment: String)]

    var testDescription: String { rule }

    /// A case made by editing the valid `baseline` (the edited text must occur in it).
    init(_ rule: String, replacing original: String, with replacement: String, overrides: [String] = [],
         _ expected: (String, String)...) {
        precondition(baseline.contains(original), "\(rule): baseline lacks \(original)")
        self.rule = rule
        self.json = baseline.replacingOccurrences(of: original, with: replacement)
        self.overrides = overrides
        self.expected = expected.map { (path: $0.0, fragment: $0.1) }
    }

    /// A case written out in full.
    init(_ rule: String, json: String, overrides: [String] = [], _ expected: (String, String)...) {
        self.rule = rule; self.json = json; self.overrides = overrides
        self.expected = expected.map { (path: $0.0, fragment: $0.1) }
    }
}

/// A valid pipeline over `TestStages.registry`; the cases below break it one rule at a time.
let baseline = #"""
{
  "version": 1,
  "inputs": {"file": "text", "relative_path": "text"},
  "stages": [
    {"name": "source", "type": "source", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
    {"name": "detector", "type": "detect", "params": {"model": "models/m", "threshold": 0.7},
     "inputs": {"image": "$source.image"}},
    {"name": "draw", "type": "draw", "inputs": {"image": "$source.image", "detections": "$detector.detections"}}
  ],
  "outputs": {"boxes": "$detector.detections", "annotated": "$draw.image"}
}
"""#

let invalidPipelines: [InvalidPipelineCase] = [
    // JSON and document structure.
    .init("invalid JSON names line and column", json: "{\n  \"version\": 1,\n  \"stages\": [,]\n}",
          ("$", "invalid JSON at line 3, column 14: expected a value, found ','")),
    .init("unterminated string", json: "{\"version\": 1, \"stages\": [\"abc",
          ("$", "expected '\"' to close the string, found the end of the text")),
    .init("trailing text after the document", json: "{} x", ("$", "expected the end of the text")),
    .init("top level is not an object", json: "[1, 2]", ("$", "expected an object with \"version\", \"stages\" and \"outputs\", found an array")),
    .init("unknown top-level key with suggestion", replacing: #""version": 1,"#, with: #""version": 1, "stagse": [],"#,
          ("stagse", "unknown key \"stagse\" at the top level: expected one of version, description, inputs, stages, outputs; did you mean \"stages\"?")),
    .init("missing version", replacing: #""version": 1,"#, with: "", ("version", "missing required key: expected \"version\": 1")),
    .init("unsupported version", replacing: #""version": 1,"#, with: #""version": 2,"#, ("version", "unsupported format version: expected 1, found 2")),
    .init("version of the wrong type", replacing: #""version": 1,"#, with: #""version": "1","#, ("version", "expected the integer 1, found string \"1\"")),
    .init("missing stages", json: #"{"version": 1, "outputs": {"x": "$inputs.file"}, "inputs": {"file": "text"}}"#,
          ("stages", "missing required key: expected \"stages\"")),
    .init("stages of the wrong type", json: #"{"version": 1, "stages": {}, "outputs": {"x": "$a.b"}}"#,
          ("stages", "expected an array of stage objects, found an empty object")),
    .init("missing outputs", json: #"{"version": 1, "stages": []}"#, ("outputs", "missing required key: expected \"outputs\"")),
    .init("empty outputs", json: #"{"version": 1, "stages": [], "outputs": {}}"#, ("outputs", "expected at least one output")),
    .init("description of the wrong type", replacing: #""version": 1,"#, with: #""version": 1, "description": 5,"#,
          ("description", "expected a string, found number 5")),
    .init("unknown key in a stage", replacing: #""name": "draw","#, with: #""name": "draw", "param": {},"#,
          ("stages[2].param", "unknown key \"param\" in a stage: expected one of name, type, params, inputs; did you mean \"params\"?")),
    .init("stage entry that is not an object", replacing: #"{"name": "draw""#, with: #"3, {"name": "draw""#,
          ("stages[2]", "expected a stage object"), ("stages[2]", "found number 3")),
    .init("stage name of the wrong type", replacing: #""name": "draw""#, with: #""name": 7"#, ("stages[2].name", "expected a string, found number 7")),
    .init("missing stage name", replacing: #""name": "draw", "#, with: "", ("stages[2].name", "missing required key: expected \"name\"")),
    .init("missing stage type", replacing: #""type": "draw", "#, with: "", ("stages[2].type", "missing required key: expected \"type\"")),
    .init("invalid stage name", replacing: #""name": "draw""#, with: #""name": "my.draw""#,
          ("stages[2].name", "invalid stage name: expected letters, digits, '_' or '-' starting with a letter or '_', found \"my.draw\"")),
    .init("reserved stage name", replacing: #""name": "draw""#, with: #""name": "inputs""#, ("stages[2].name", "reserved stage name")),
    .init("params that are not an object", replacing: #""params": {"model": "models/m", "threshold": 0.7}"#, with: #""params": [1]"#,
          ("stages[1].params", "expected an object of parameter name -> value, found an array")),
    .init("inputs that are not an object", replacing: #""inputs": {"image": "$source.image"}"#, with: #""inputs": "$source.image""#,
          ("stages[1].inputs", "expected an object of input port -> selector, found string \"$source.image\"")),
    .init("malformed selector without $", replacing: #""detections": "$detector.detections"}"#, with: #""detections": "detector.detections"}"#,
          ("stages[2].inputs.detections", "malformed selector: expected \"$inputs.NAME\" or \"$STAGE.PORT\", found \"detector.detections\"")),
    .init("malformed selector with three parts", replacing: #""boxes": "$detector.detections""#, with: #""boxes": "$detector.detections.x""#,
          ("outputs.boxes", "malformed selector")),
    .init("selector of the wrong type", replacing: #""image": "$source.image"}"#, with: #""image": ["$source.image"]}"#,
          ("stages[1].inputs.image", "expected a selector string (\"$inputs.NAME\" or \"$STAGE.PORT\"), found an array")),
    .init("unknown graph input type", replacing: #""relative_path": "text"}"#, with: #""relative_path": "txt"}"#,
          ("inputs.relative_path", "unknown port type: expected one of image, tensor, detections, mask, text, embedding, tokens, scanpath, record, found \"txt\"; did you mean \"text\"?")),
    .init("invalid graph input name", replacing: #""relative_path": "text"}"#, with: #""relative_path": "text", "9lives": "text"}"#,
          ("inputs[\"9lives\"]", "invalid graph input name")),
    .init("invalid output name", replacing: #""annotated": "$draw.image""#, with: #""annotated image": "$draw.image""#,
          ("outputs[\"annotated image\"]", "invalid output name")),

    // Stage types and parameters.
    .init("unknown stage type with suggestion", replacing: #""type": "detect""#, with: #""type": "detetc""#,
          ("stages[1].type", "unknown stage type: expected one of blend, detect, draw, source, found \"detetc\"; did you mean \"detect\"?")),
    .init("unknown parameter with suggestion", replacing: #""threshold": 0.7"#, with: #""thresold": 0.7"#,
          ("stages[1].params.thresold", "unknown parameter \"thresold\" for stage type \"detect\": expected one of model, threshold, top_k, labels, verbose, note; did you mean \"threshold\"?")),
    .init("number parameter given a string", replacing: #""threshold": 0.7"#, with: #""threshold": "high""#,
          ("stages[1].params.threshold", "expected a number in 0...1, found string \"high\"")),
    .init("integer parameter given a fraction", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "top_k": 2.5"#,
          ("stages[1].params.top_k", "expected an integer, found number 2.5")),
    .init("number out of range", replacing: #""threshold": 0.7"#, with: #""threshold": 1.5"#,
          ("stages[1].params.threshold", "out of range: expected a number in 0...1, found 1.5")),
    .init("integer out of range", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "top_k": 0"#,
          ("stages[1].params.top_k", "out of range: expected an integer in 1...1000, found 0")),
    .init("open-ended integer range", replacing: #""type": "draw", "#, with: #""type": "draw", "params": {"thickness": 0}, "#,
          ("stages[2].params.thickness", "out of range: expected an integer >= 1, found 0")),
    .init("choice outside its options", replacing: #""type": "source", "#, with: #""type": "source", "params": {"alpha": "dorp"}, "#,
          ("stages[0].params.alpha", "expected one of \"composite-white\", \"drop\", found \"dorp\"; did you mean \"drop\"?")),
    .init("string list with a number", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "labels": ["cat", 3]"#,
          ("stages[1].params.labels", "expected an array of strings, found number 3 at index 1")),
    .init("boolean given a string", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "verbose": "yes""#,
          ("stages[1].params.verbose", "expected a boolean, found string \"yes\"")),
    .init("string given null", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "note": null"#,
          ("stages[1].params.note", "expected a string, found null")),
    .init("path given a number", replacing: #""model": "models/m""#, with: #""model": 12"#,
          ("stages[1].params.model", "expected a path (string), found number 12")),
    .init("missing required parameter", replacing: #""model": "models/m", "#, with: "",
          ("stages[1].params.model", "missing required parameter \"model\" of stage \"detector\" (type detect): expected a path (string)")),
    .init("duplicate parameter", replacing: #""threshold": 0.7"#, with: #""threshold": 0.7, "threshold": 0.8"#,
          ("stages[1].params.threshold", "duplicate parameter \"threshold\": expected each parameter once, found it again at line 6")),

    // Inputs, selectors and port types.
    .init("missing required input", replacing: #", "detections": "$detector.detections"}"#, with: "}",
          ("stages[2].inputs.detections", "missing required input \"detections\" of stage \"draw\" (type draw): expected a selector to a value of type detections")),
    .init("unknown input port with suggestion", replacing: #""inputs": {"image": "$source.image"}"#, with: #""inputs": {"image": "$source.image", "imag": "$source.image"}"#,
          ("stages[1].inputs.imag", "unknown input port \"imag\" for stage type \"detect\": expected one of image; did you mean \"image\"?")),
    .init("selector to an undefined stage", replacing: #""image": "$source.image"}"#, with: #""image": "$sourc.image"}"#,
          ("stages[1].inputs.image", "selector \"$sourc.image\" refers to an undefined stage: expected one of source, detector, draw, found \"sourc\"; did you mean \"source\"?")),
    .init("selector to an undefined port", replacing: #""detections": "$detector.detections"}"#, with: #""detections": "$detector.boxes"}"#,
          ("stages[2].inputs.detections", "selector \"$detector.boxes\" refers to an undefined output port of stage \"detector\" (type detect): expected one of detections, features, found \"boxes\"")),
    .init("selector to an undefined graph input", replacing: #""file": "$inputs.file""#, with: #""file": "$inputs.fil""#,
          ("stages[0].inputs.file", "selector \"$inputs.fil\" refers to an undefined graph input: expected one of file, relative_path, found \"fil\"; did you mean \"file\"?")),
    .init("port type mismatch", replacing: #""detections": "$detector.detections"}"#, with: #""detections": "$source.image"}"#,
          ("stages[2].inputs.detections", "port type mismatch: expected detections, found image (from \"$source.image\")")),
    .init("port type mismatch from a graph input", replacing: #""image": "$source.image"}"#, with: #""image": "$inputs.file"}"#,
          ("stages[1].inputs.image", "port type mismatch: expected image, found text (from \"$inputs.file\")")),
    .init("duplicate stage names", replacing: #""name": "draw""#, with: #""name": "detector""#,
          ("stages[2].name", "duplicate stage name \"detector\": expected unique stage names, found it already at stages[1]")),
    .init("cycle through three stages", json: #"""
          {"version": 1, "inputs": {"file": "text"},
           "stages": [
             {"name": "a", "type": "blend", "inputs": {"a": "$c.image"}},
             {"name": "b", "type": "blend", "inputs": {"a": "$a.image"}},
             {"name": "c", "type": "blend", "inputs": {"a": "$b.image"}}
           ],
           "outputs": {"out": "$c.image"}}
          """#, ("stages[0].inputs.a", "cycle: a -> b -> c -> a: expected an acyclic graph")),
    .init("stage reading its own output", json: #"""
          {"version": 1, "stages": [{"name": "loop", "type": "blend", "inputs": {"a": "$loop.image"}}],
           "outputs": {"out": "$loop.image"}}
          """#, ("stages[0].inputs.a", "cycle: loop -> loop")),

    // Outputs.
    .init("output to an undefined stage", replacing: #""boxes": "$detector.detections""#, with: #""boxes": "$detectr.detections""#,
          ("outputs.boxes", "selector \"$detectr.detections\" refers to an undefined stage"), ("outputs.boxes", "did you mean \"detector\"?")),
    .init("output to an undefined port", replacing: #""annotated": "$draw.image""#, with: #""annotated": "$draw.picture""#,
          ("outputs.annotated", "refers to an undefined output port of stage \"draw\" (type draw): expected one of image, found \"picture\"")),
    .init("output to an undefined graph input", replacing: #""annotated": "$draw.image""#, with: #""annotated": "$inputs.image""#,
          ("outputs.annotated", "refers to an undefined graph input: expected one of file, relative_path, found \"image\"")),
    .init("duplicate output names", replacing: #""annotated": "$draw.image""#, with: #""annotated": "$draw.image", "boxes": "$draw.image""#,
          ("outputs.boxes", "duplicate output name \"boxes\": expected each output name once, found it again at line 10")),
    .init("output selector of the wrong type", replacing: #""annotated": "$draw.image""#, with: #""annotated": 3"#,
          ("outputs.annotated", "expected a selector string")),

    // Overrides.
    .init("override of an unknown stage", json: baseline, overrides: ["detectr.threshold=0.3"],
          ("--set detectr.threshold=0.3", "unknown stage \"detectr\": expected one of source, detector, draw; did you mean \"detector\"?")),
    .init("override of an unknown parameter", json: baseline, overrides: ["detector.treshold=0.3"],
          ("--set detector.treshold=0.3", "unknown parameter \"treshold\" for stage \"detector\" (type detect): expected one of model, threshold, top_k, labels, verbose, note; did you mean \"threshold\"?")),
    .init("malformed override", json: baseline, overrides: ["detector=0.3"],
          ("--set detector=0.3", "malformed override: expected STAGE.PARAM=VALUE")),
    .init("override with an ill-typed value", json: baseline, overrides: ["detector.threshold=high"],
          ("stages[1].params.threshold", "expected a number in 0...1, found string \"high\" (set by --set detector.threshold=high)")),
    .init("override out of range", json: baseline, overrides: ["detector.top_k=5000"],
          ("stages[1].params.top_k", "out of range: expected an integer in 1...1000, found 5000 (set by --set detector.top_k=5000)")),
]

@Suite struct InvalidPipelineTableTests {
    @Test(arguments: invalidPipelines)
    func reportsTheExpectedErrors(_ testCase: InvalidPipelineCase) {
        do {
            _ = try PipelineLoader.load(text: testCase.json, baseDirectory: "/pipelines", overrides: testCase.overrides,
                                        registry: TestStages.registry)
            Issue.record("\(testCase.rule): expected the pipeline to be invalid")
        } catch {
            let errors = error.errors
            for expected in testCase.expected {
                #expect(errors.contains { $0.jsonPath == expected.path && $0.message.contains(expected.fragment) },
                        "\(testCase.rule): no error at \(expected.path) containing \(expected.fragment); got:\n\(errors.map(\.description).joined(separator: "\n"))")
            }
        }
    }

    /// The baseline itself is valid, so each case fails for the reason it names.
    @Test func baselineIsValid() throws {
        let pipeline = try PipelineLoader.load(text: baseline, baseDirectory: "/pipelines", registry: TestStages.registry)
        #expect(pipeline.stages.map(\.name) == ["source", "detector", "draw"])
    }

    /// Errors are collected, not reported one at a time, and follow-on errors are not piled onto
    /// parts that could not be read.
    @Test func collectsEveryErrorOnce() {
        let json = baseline
            .replacingOccurrences(of: #""version": 1,"#, with: #""version": 3, "extra": true,"#)
            .replacingOccurrences(of: #""threshold": 0.7"#, with: #""threshold": 7, "colour": "red""#)
            .replacingOccurrences(of: #""detections": "$detector.detections"}"#, with: #""detections": "$source.image"}"#)
            .replacingOccurrences(of: #""boxes": "$detector.detections""#, with: #""boxes": "$nowhere.detections""#)
        do {
            _ = try PipelineLoader.load(text: json, baseDirectory: "/p", registry: TestStages.registry)
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.map(\.jsonPath) == ["extra", "version", "stages[1].params.colour", "stages[1].params.threshold",
                                                     "stages[2].inputs.detections", "outputs.boxes"])
        }
    }

    @Test func unreadablePartsDoNotCascade() {
        // A stage without a type: no "unknown type", no errors about selectors into it.
        let json = baseline.replacingOccurrences(of: #""type": "detect", "#, with: "")
        do {
            _ = try PipelineLoader.load(text: json, baseDirectory: "/p", registry: TestStages.registry)
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.map(\.jsonPath) == ["stages[1].type"])
        }
        // A malformed selector on a required port is not also a missing input.
        let malformed = baseline.replacingOccurrences(of: #""image": "$source.image"}"#, with: #""image": "source"}"#)
        do {
            _ = try PipelineLoader.load(text: malformed, baseDirectory: "/p", registry: TestStages.registry)
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.map(\.jsonPath) == ["stages[1].inputs.image"])
        }
    }

    @Test func errorDescriptionListsEveryIssueAsPathAndMessage() {
        let json = baseline.replacingOccurrences(of: #""version": 1,"#, with: #""version": 2,"#)
        do {
            _ = try PipelineLoader.load(text: json, baseDirectory: "/p", name: "x.json", registry: TestStages.registry)
        } catch {
            #expect(error.description == """
                invalid pipeline x.json (1 error):
                  version: unsupported format version: expected 1, found 2
                  stages[1].params.model: warning: path does not exist: /p/models/m
                """)
        }
    }
}
