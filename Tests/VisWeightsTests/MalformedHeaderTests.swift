import Foundation
import Testing
@testable import VisWeights

/// Hand-built broken files: each must be refused with a `WeightsError.malformed` whose reason
/// names the problem — never a crash or an out-of-bounds read.
@Suite struct MalformedHeaderTests {
    /// A valid one-tensor entry for 4 bytes of data.
    static let one = #""w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
    static let fourBytes = float32Bytes([1])

    /// Opens `bytes` as a safetensors file and returns the malformed-file reason.
    func reason(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.safetensors", bytes)
        do {
            _ = try SafetensorsFile(path: path)
            Issue.record("file was accepted", sourceLocation: sourceLocation)
            return ""
        } catch {
            guard case .malformed(let file, let reason) = error else {
                Issue.record("expected .malformed, got \(error)", sourceLocation: sourceLocation)
                return ""
            }
            #expect(file == path, sourceLocation: sourceLocation)
            return reason
        }
    }

    func expectMalformed(header: String, data: [UInt8] = fourBytes, mentioning words: [String],
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = try reason(safetensorsBytes(header: header, data: data), sourceLocation: sourceLocation)
        for word in words {
            #expect(text.contains(word), "reason '\(text)' does not mention '\(word)'", sourceLocation: sourceLocation)
        }
    }

    @Test func validBaselineOpens() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("ok.safetensors", safetensorsBytes(header: "{\(Self.one)}  \n", data: Self.fourBytes))
        #expect(try SafetensorsFile(path: path).tensor("w").storage == [1])
    }

    @Test func fileShorterThanTheLengthField() throws {
        #expect(try reason([]).contains("shorter than the 8-byte"))
        #expect(try reason([1, 0, 0]).contains("shorter than the 8-byte"))
    }

    @Test func headerLengthsPastTheFileOrTheLimit() throws {
        #expect(try reason(safetensorsBytes(header: "{}", declaredLength: 1 << 63)).contains("exceeds"))
        #expect(try reason(safetensorsBytes(header: "{}", declaredLength: UInt64.max)).contains("exceeds"))
        #expect(try reason(safetensorsBytes(header: "{}", declaredLength: 3)).contains("runs past the end"))
        // Truncated header: the JSON is cut short by the declared length.
        let full = "{\(Self.one)}"
        #expect(try reason(safetensorsBytes(header: full, data: [], declaredLength: UInt64(full.utf8.count))).contains("data_offsets"))
        #expect(try reason(Array(safetensorsBytes(header: full).prefix(20))).contains("runs past the end"))
        #expect(try reason(safetensorsBytes(header: full, data: Self.fourBytes, declaredLength: 10)).contains("not valid JSON"))
    }

    @Test func headerThatIsNotAJSONObject() throws {
        try expectMalformed(header: "{\(Self.one)", mentioning: ["not valid JSON", "expected ',' or '}' after an object member, found the end of the text at byte 53"])
        try expectMalformed(header: "{\"w\" 1}", mentioning: ["not valid JSON", "expected ':'", "at byte 5"])
        try expectMalformed(header: "[1, 2]", mentioning: ["start with '{'"])
        try expectMalformed(header: " {\(Self.one)}", mentioning: ["start with '{'"])
        try expectMalformed(header: "{\(Self.one)}\0\0", mentioning: ["expected the end of the text after the top-level value, found the control character U+0000"])
        try expectMalformed(header: "{\(Self.one)} {}", mentioning: ["expected the end of the text after the top-level value, found '{'"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#, mentioning: ["leading zero"])
        try expectMalformed(header: "{\"w\u{1}\":1}", mentioning: ["control character"])
        try expectMalformed(header: #"{"\ud800":1}"#, mentioning: ["surrogate"])
        // Deep nesting is refused, not recursed into.
        try expectMalformed(header: "{\"x\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
                            mentioning: ["nesting deeper"])
    }

    @Test func invalidUTF8InTheHeader() throws {
        var bytes = safetensorsBytes(header: "{\(Self.one)}", data: Self.fourBytes)
        bytes[10] = 0xFF  // inside the key "w"
        let text = try reason(bytes)
        #expect(text.contains("UTF-8") && text.contains("0xFF") && text.contains("at byte 2"), "\(text)")
    }

    @Test func duplicateKeysAreRefused() throws {
        // The reference keeps the last entry; two readers could then disagree on the tensor.
        try expectMalformed(header: #"{"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                            mentioning: ["duplicate key \"w\" at byte 53", "expected each key once (first at byte 1)"])
        try expectMalformed(header: #"{"__metadata__":{"a":"1","a":"2"},\#(Self.one)}"#, mentioning: ["duplicate key \"a\""])
        try expectMalformed(header: #"{"w":{"dtype":"F32","dtype":"U8","shape":[1],"data_offsets":[0,4]}}"#, mentioning: ["duplicate key \"dtype\""])
    }

    @Test func unknownAndSubByteDTypes() throws {
        try expectMalformed(header: #"{"w":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}"#, mentioning: ["'w'", "unknown dtype \"F31\""])
        try expectMalformed(header: #"{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#, mentioning: ["unknown dtype"])
        try expectMalformed(header: #"{"w":{"dtype":"F4","shape":[8],"data_offsets":[0,4]}}"#, mentioning: ["sub-byte dtype F4"])
        try expectMalformed(header: #"{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, mentioning: ["dtype the number 4"])
        try expectMalformed(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, mentioning: ["has no dtype"])
    }

    @Test func shapesMustBeNonNegativeIntegers() throws {
        for (shape, word) in [("[-1]", "-1"), ("[1.0]", "1.0"), ("[1e0]", "1e0"), ("[true]", "true"), ("[\"1\"]", "\"1\""),
                              ("[18446744073709551616]", "18446744073709551616"), ("1", "not an array")] {
            try expectMalformed(header: #"{"w":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,4]}}"#, mentioning: ["'w'", word])
        }
        try expectMalformed(header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, mentioning: ["has no shape"])
    }

    @Test func shapeAndOffsetsMustAgree() throws {
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, mentioning: ["spans 4 bytes", "needs 8"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[],"data_offsets":[0,0]}}"#, data: [], mentioning: ["needs 4"])
        // Overflowing element or byte counts are reported, not trapped on.
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, mentioning: ["overflows"])
        try expectMalformed(header: #"{"w":{"dtype":"I64","shape":[4000000000000000,1000],"data_offsets":[0,4]}}"#, mentioning: ["byte count overflows"])
        try expectMalformed(header: #"{"w":{"dtype":"I64","shape":[9223372036854775807],"data_offsets":[0,4]}}"#, mentioning: ["overflows"])
    }

    @Test func offsetsMustStayInsideTheDataSection() throws {
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, mentioning: ["past the end of the 4-byte data section"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,9223372036854775807]}}"#, mentioning: ["past the end"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, mentioning: ["end before they begin"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}"#, mentioning: ["3 data_offsets"])
        try expectMalformed(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,-4]}}"#, mentioning: ["-4"])
    }

    @Test func tensorsMustTileTheDataSection() throws {
        // Overlap.
        try expectMalformed(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                            data: float32Bytes([1, 2]), mentioning: ["'b'", "overlaps"])
        // An empty tensor inside another one overlaps it too.
        try expectMalformed(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
                            data: float32Bytes([1, 2]), mentioning: ["'e'", "overlaps"])
        // Hole between tensors.
        try expectMalformed(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                            data: float32Bytes([1, 2, 3]), mentioning: ["bytes 4..<8", "belong to no tensor"])
        // Bytes after the last tensor.
        try expectMalformed(header: "{\(Self.one)}", data: float32Bytes([1, 2]), mentioning: ["8 bytes", "cover only 4"])
    }

    @Test func metadataMustMapStringsToStrings() throws {
        try expectMalformed(header: #"{"__metadata__":{"epoch":3},\#(Self.one)}"#, mentioning: ["'epoch'", "not a string"])
        try expectMalformed(header: #"{"__metadata__":{"nested":{"a":"b"}},\#(Self.one)}"#, mentioning: ["'nested'", "not a string"])
        try expectMalformed(header: #"{"__metadata__":["a"],\#(Self.one)}"#, mentioning: ["__metadata__ is an array"])
        try expectMalformed(header: #"{"w":[1,2]}"#, mentioning: ["'w' is an array"])
    }

    @Test func acceptedVariantsMatchTheReference() throws {
        // Null metadata, unknown entry fields, escaped names, empty tensors sharing an offset.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let header = #"{"__metadata__":null,"e2":{"dtype":"F32","shape":[0,5],"data_offsets":[4,4]},"w\u0041":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1]},"e1":{"dtype":"I64","shape":[0],"data_offsets":[4,4]}}"#
        let path = try directory.write("ok.safetensors", safetensorsBytes(header: header, data: Self.fourBytes))
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata.isEmpty)
        #expect(file.names == ["wA", "e1", "e2"])
        #expect(try file.tensor("e2").shape == [0, 5])
        // A header-only file with no tensors.
        let empty = try directory.write("empty.safetensors", safetensorsBytes(header: "{}"))
        #expect(try SafetensorsFile(path: empty).entries.isEmpty)
    }

    @Test func directoriesAndMissingFilesAreIOErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: WeightsError.self) { try SafetensorsFile(path: directory.path) }
        let error = #expect(throws: WeightsError.self) { try SafetensorsFile(path: directory.file("absent.safetensors")) }
        guard case .io = error else { Issue.record("expected .io, got \(String(describing: error))"); return }
    }
}
