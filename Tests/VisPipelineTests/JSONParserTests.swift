import Testing
import VisPipeline

@Suite struct JSONParserTests {
    @Test func parsesEveryKindWithPositions() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1, -2.5e3, true, false, null],\n  \"b\": {\"c\": \"d\"}\n}")
        #expect(node.value == .object(["a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]),
                                       "b": .object(["c": .string("d")])]))
        let members = try #require(node.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[1].value.line == 3 && members[1].value.column == 8)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try JSONParser.parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00""#)
        #expect(node.value == .string("q\"b\\s/n\nt\tu\u{e9}\u{1F600}"))
        #expect(try JSONParser.parse("\"héllo\"").value == .string("héllo"))
    }

    @Test func keepsRepeatedKeysInOrder() throws {
        let node = try JSONParser.parse(#"{"k": 1, "k": 2}"#)
        #expect(node.members?.map(\.key) == ["k", "k"])
        #expect(node.value == .object(["k": .number(2)]))
    }

    @Test(arguments: [
        ("", 1, 1, "expected a value, found the end of the text"),
        ("{\"a\" 1}", 1, 6, "expected ':' after the key \"a\", found '1'"),
        ("{\"a\": 1,}", 1, 9, "expected a string key in an object, found '}'"),
        ("[1 2]", 1, 4, "expected ',' or ']' after an array element, found '2'"),
        ("\n\n  [01]", 3, 4, "expected no leading zeros in a number, found '01'"),
        ("1.", 1, 3, "expected a digit after '.', found the end of the text"),
        ("tru", 1, 1, "expected a value, found 't'"),
        ("\"a\nb\"", 1, 3, "expected a character in the string, found the control character U+000A"),
        ("\"\\x\"", 1, 3, "expected one of"),
        ("\"\\ud800\"", 1, 8, "expected a \\u low surrogate after \\uD800"),
        ("{} []", 1, 4, "expected the end of the text after the top-level value, found '['"),
        ("1e999", 1, 6, "number 1e999 is out of range"),
        ("'a'", 1, 1, "expected a value, found '''"),
    ])
    func reportsSyntaxErrorsWithLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ fragment: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.line == line && error.column == column && error.message.contains(fragment)
        }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect((try? JSONParser.parse(fine)) != nil)
    }

    @Test func canonicalWriterSortsKeysAndDropsWhitespace() throws {
        let node = try JSONParser.parse(#"{ "b": [1.0, 2.5, "x\"\n"], "a": {"z": null, "y": false} }"#)
        #expect(JSONWriter.canonical(node.value) == #"{"a":{"y":false,"z":null},"b":[1,2.5,"x\"\n"]}"#)
        // The pretty form parses back to the same value.
        #expect(try JSONParser.parse(JSONWriter.pretty(node.value)).value == node.value)
    }

    @Test func suggestsNearbyNames() {
        #expect(NameSuggestion.nearest(to: "detr", among: ["decode", "detr", "resize"]) == "detr")
        #expect(NameSuggestion.nearest(to: "dert", among: ["decode", "detr", "resize"]) == "detr")
        #expect(NameSuggestion.nearest(to: "xyzzy", among: ["decode", "detr", "resize"]) == nil)
        #expect(NameSuggestion.nearest(to: "thresh", among: ["model", "threshold"]) == "threshold")
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
    }
}
