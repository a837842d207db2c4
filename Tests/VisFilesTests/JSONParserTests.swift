import Testing
import VisFiles

/// The one strict JSON parser: positions, numbers as text, repeated keys, UTF-8 and escape checks,
/// nesting caps, and errors that say what was expected where.
@Suite struct JSONParserTests {
    func parse(_ text: String, maximumDepth: Int = 256) throws -> JSONNode {
        try JSONParser.parse(text, maximumDepth: maximumDepth)
    }

    @Test func parsesEveryKindWithPositions() throws {
        let node = try parse("{\n  \"a\": [1, -2.5e3, true, false, null],\n  \"b\": {\"c\": \"d\"}\n}")
        let members = try #require(node.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[0].value.kind == .array([
            JSONNode(.number("1"), position: JSONPosition(offset: 10, line: 2, column: 9)),
            JSONNode(.number("-2.5e3"), position: JSONPosition(offset: 13, line: 2, column: 12)),
            JSONNode(.bool(true), position: JSONPosition(offset: 21, line: 2, column: 20)),
            JSONNode(.bool(false), position: JSONPosition(offset: 27, line: 2, column: 26)),
            JSONNode(.null, position: JSONPosition(offset: 34, line: 2, column: 33)),
        ]))
        #expect(members[1].keyPosition == JSONPosition(offset: 43, line: 3, column: 3))
        #expect(members[1].value.position == JSONPosition(offset: 48, line: 3, column: 8))
        #expect(members[1].value.members?.first?.value.kind == .string("d"))
        #expect(node.position == JSONPosition(offset: 0, line: 1, column: 1))
    }

    @Test func columnsCountCharactersAndOffsetsCountBytes() throws {
        let node = try parse("[\"é€😀\", 7]")
        let items = try #require({ if case .array(let items) = node.kind { return items }; return nil }())
        #expect(items[1].position == JSONPosition(offset: 14, line: 1, column: 9))
    }

    @Test func keepsNumbersAsWrittenAndReadsThemExactly() throws {
        let node = try parse("[9007199254740993, -0, 1.0, 1e2, 0.1, 1e999, 18446744073709551616, -9223372036854775808]")
        guard case .array(let items) = node.kind else { Issue.record("not an array"); return }
        #expect(items.map(\.compactText) == ["9007199254740993", "-0", "1.0", "1e2", "0.1", "1e999", "18446744073709551616", "-9223372036854775808"])
        // Integers never pass through Double: 2^53 + 1 survives.
        let integers: [Int?] = [9_007_199_254_740_993, 0, nil, nil, nil, nil, nil, Int.min]
        #expect(items.map(\.integerValue) == integers)
        let doubles: [Double?] = [9_007_199_254_740_992, 0, 1, 100, 0.1, nil, 18_446_744_073_709_551_616, -9_223_372_036_854_775_808]
        #expect(items.map(\.doubleValue) == doubles)
        #expect(JSONNode(.string("1")).integerValue == nil && JSONNode(.bool(true)).doubleValue == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00\u0041\b\f\r""#)
        #expect(node.kind == .string("q\"b\\s/n\nt\tu\u{e9}\u{1F600}A\u{08}\u{0C}\r"))
        #expect(try parse("\"héllo\"").kind == .string("héllo"))
    }

    @Test func keepsRepeatedKeysInOrderAndFindsTheFirstRepeat() throws {
        let node = try parse(#"{"k": 1, "k": 2}"#)
        #expect(node.members?.map(\.key) == ["k", "k"])
        #expect(node.members?.map(\.value.kind) == [.number("1"), .number("2")])
        let repeated = try #require(node.firstRepeatedKey())
        #expect(repeated.first.keyPosition.offset == 1 && repeated.repeated.keyPosition.offset == 9)

        // The repeat that comes first in the text wins, however deep it is.
        let nested = try parse(#"{"a": {"x": 1, "x": 2}, "b": [{"y": 1, "y": 2}], "a": 3}"#)
        #expect(nested.firstRepeatedKey()?.repeated.key == "x")
        let later = try parse(#"{"a": 1, "a": 2, "b": {"x": 1, "x": 2}}"#)
        #expect(later.firstRepeatedKey()?.repeated.key == "a")
        #expect(try parse(#"{"a": {"a": 1}, "b": [{"a": 2}]}"#).firstRepeatedKey() == nil)
    }

    @Test func compactTextKeepsOrderAndEscapes() throws {
        let node = try parse(#"{ "b": [1.50, "x\"\n"], "a": {"z": null, "y": false} }"#)
        #expect(node.compactText == #"{"b":[1.50,"x\"\n"],"a":{"z":null,"y":false}}"#)
    }

    @Test(arguments: [
        ("", 1, 1, 0, "expected a value, found the end of the text"),
        ("{\"a\" 1}", 1, 6, 5, "expected ':' after the key \"a\", found '1'"),
        ("{\"a\": 1,}", 1, 9, 8, "expected a string key in an object, found '}'"),
        ("{\"a\": 1", 1, 8, 7, "expected ',' or '}' after an object member, found the end of the text"),
        ("[1 2]", 1, 4, 3, "expected ',' or ']' after an array element, found '2'"),
        ("\n\n  [01]", 3, 4, 5, "expected no leading zeros in a number, found '01'"),
        ("1.", 1, 3, 2, "expected a digit after '.', found the end of the text"),
        ("1e+", 1, 4, 3, "expected a digit in the exponent, found the end of the text"),
        ("-x", 1, 2, 1, "expected a digit, found 'x'"),
        ("tru", 1, 1, 0, "expected a value, found 't'"),
        ("\"a\nb\"", 1, 3, 2, "expected a character in the string, found the control character U+000A (write it escaped)"),
        ("\"abc", 1, 5, 4, "expected '\"' to close the string, found the end of the text"),
        ("\"\\x\"", 1, 3, 2, "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u after '\\', found 'x'"),
        ("\"\\u12g4\"", 1, 6, 5, "expected 4 hexadecimal digits after \\u, found 'g'"),
        ("\"\\ud800\"", 1, 8, 7, "expected a \\u low surrogate after \\uD800"),
        ("\"\\ud800\\u0041\"", 1, 14, 13, "expected a low surrogate (DC00-DFFF) after \\uD800, found \\u0041"),
        ("\"\\udc00\"", 1, 8, 7, "expected a high surrogate (D800-DBFF) before \\uDC00, found an unpaired low surrogate"),
        ("{} []", 1, 4, 3, "expected the end of the text after the top-level value, found '['"),
        ("{}\0", 1, 3, 2, "expected the end of the text after the top-level value, found the control character U+0000"),
        ("'a'", 1, 1, 0, "expected a value, found '''"),
        ("é", 1, 1, 0, "expected a value, found 'é'"),
    ])
    func reportsSyntaxErrorsWithPositions(_ text: String, _ line: Int, _ column: Int, _ offset: Int, _ message: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.position == JSONPosition(offset: offset, line: line, column: column) && error.message == message
        }
    }

    @Test func descriptionNamesLineAndColumn() {
        let error = JSONSyntaxError(position: JSONPosition(offset: 20, line: 3, column: 14), message: "expected a value, found '}'")
        #expect(error.description == "invalid JSON at line 3, column 14: expected a value, found '}'")
    }

    @Test func refusesInvalidUTF8InStringsAndElsewhere() throws {
        let cases: [([UInt8], Int, String)] = [
            ([0x22, 0x61, 0xFF, 0x22], 2, "expected UTF-8 text in the string, found the byte 0xFF"),
            ([0x22, 0xC3, 0x22], 1, "found the byte 0xC3"),                     // truncated sequence
            ([0x22, 0xC0, 0xAF, 0x22], 1, "found the byte 0xC0"),               // overlong '/'
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, "found the byte 0xED"),         // encoded surrogate U+D800
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "found the byte 0xF4"),   // beyond U+10FFFF
            ([0x5B, 0x80, 0x5D], 1, "expected a value, found the byte 0x80"),
        ]
        for (bytes, offset, fragment) in cases {
            #expect {
                try JSONParser.parse(bytes, maximumDepth: 8)
            } throws: { error in
                guard let error = error as? JSONSyntaxError else { return false }
                return error.offset == offset && error.message.contains(fragment)
            }
        }
        #expect(try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], maximumDepth: 8).kind == .string("😀"))
    }

    @Test(arguments: [1, 64, 256])
    func capsNestingAtTheCallersDepth(_ maximumDepth: Int) throws {
        let fine = String(repeating: "[", count: maximumDepth) + "1" + String(repeating: "]", count: maximumDepth)
        #expect((try? parse(fine, maximumDepth: maximumDepth)) != nil)
        let deep = String(repeating: "{\"a\":", count: maximumDepth + 1) + "1" + String(repeating: "}", count: maximumDepth + 1)
        #expect {
            try parse(deep, maximumDepth: maximumDepth)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.offset == 5 * maximumDepth
                && error.message == "expected at most \(maximumDepth) nested arrays and objects, found nesting deeper than \(maximumDepth) levels"
        }
        // Far deeper input is refused at the cap, not recursed into.
        #expect(throws: JSONSyntaxError.self) { try parse(String(repeating: "[", count: 100_000), maximumDepth: maximumDepth) }
    }
}
