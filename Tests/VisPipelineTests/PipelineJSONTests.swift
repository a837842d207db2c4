import Testing
import VisFiles
import VisPipeline

/// Pipeline files as JSON: the parser's nodes as pipeline values, the pipeline's nesting cap and
/// number range, the canonical writer, and name suggestions. (The parser itself is tested in
/// VisFilesTests.)
@Suite struct PipelineJSONTests {
    @Test func parsesEveryKindIntoValuesWithPositions() throws {
        let node = try PipelineJSON.parse("{\n  \"a\": [1, -2.5e3, true, false, null],\n  \"b\": {\"c\": \"d\"}\n}")
        #expect(node.value == .object(["a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]),
                                       "b": .object(["c": .string("d")])]))
        let members = try #require(node.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[1].value.position.line == 3 && members[1].value.position.column == 8)
    }

    @Test func repeatedKeysSurviveAndTheLastWinsAsAValue() throws {
        let node = try PipelineJSON.parse(#"{"k": 1, "k": 2}"#)
        #expect(node.members?.map(\.key) == ["k", "k"])
        #expect(node.value == .object(["k": .number(2)]))
    }

    @Test func numbersBeyondDoubleRangeAreSyntaxErrors() throws {
        for (text, line, column) in [("1e999", 1, 1), ("{\n  \"a\": [1, -1e400]\n}", 2, 12)] {
            #expect {
                try PipelineJSON.parse(text)
            } throws: { error in
                guard let error = error as? JSONSyntaxError else { return false }
                return error.line == line && error.column == column && error.message.hasPrefix("expected a number within the range of a double")
            }
        }
        // Tiny numbers round to zero, as in every JSON reader.
        #expect(try PipelineJSON.parse("1e-999").value == .number(0))
    }

    @Test func valuesRoundTripThroughNodes() throws {
        let value = JSONValue.object(["a": .array([.number(0.1), .number(3), .number(-1e300), .number(.leastNonzeroMagnitude)]), "b": .null, "c": .string("x")])
        #expect(value.node.value == value)
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: PipelineJSON.maximumDepth + 1) + String(repeating: "]", count: PipelineJSON.maximumDepth + 1)
        #expect(throws: JSONSyntaxError.self) { try PipelineJSON.parse(deep) }
        let fine = String(repeating: "[", count: PipelineJSON.maximumDepth) + String(repeating: "]", count: PipelineJSON.maximumDepth)
        #expect((try? PipelineJSON.parse(fine)) != nil)
    }

    @Test func canonicalWriterSortsKeysAndDropsWhitespace() throws {
        let node = try PipelineJSON.parse(#"{ "b": [1.0, 2.5, "x\"\n"], "a": {"z": null, "y": false} }"#)
        #expect(JSONWriter.canonical(node.value) == #"{"a":{"y":false,"z":null},"b":[1,2.5,"x\"\n"]}"#)
        // The pretty form parses back to the same value.
        #expect(try PipelineJSON.parse(JSONWriter.pretty(node.value)).value == node.value)
    }

    @Test func suggestsNearbyNames() {
        #expect(NameSuggestion.nearest(to: "detr", among: ["decode", "detr", "resize"]) == "detr")
        #expect(NameSuggestion.nearest(to: "dert", among: ["decode", "detr", "resize"]) == "detr")
        #expect(NameSuggestion.nearest(to: "xyzzy", among: ["decode", "detr", "resize"]) == nil)
        #expect(NameSuggestion.nearest(to: "thresh", among: ["model", "threshold"]) == "threshold")
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
    }
}
