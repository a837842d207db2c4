import Foundation
import Testing
import VisTensor
@testable import VisWeights

@Suite struct RoundTripTests {
    @Test func everyDTypeMetadataScalarAndEmptyTensorsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let matrix = Tensor(shape: [2, 3], data: [0, -1.5, 3.25, 1e-8, .greatestFiniteMagnitude, -0.0])
        let halfExact = Tensor(shape: [4], data: [0.5, -2, 65504, 6.103515625e-05])  // all representable in F16
        let bfloatExact = Tensor(shape: [2, 2], data: [1, -3.5, 0x1p100, 0.0078125])  // all representable in BF16

        var writer = SafetensorsWriter(metadata: ["format": "pt", "quote\"and\\slash": "line\nbreak\ttab ü"])
        try writer.add("f32", matrix)
        try writer.add("f16", RawTensor(float16: halfExact))
        try writer.add("bf16", RawTensor(bfloat16: bfloatExact))
        try writer.add("i64", RawTensor(int64s: [Int64.min, -1, 0, 1 << 40, Int64.max], shape: [5]))
        try writer.add("u8", RawTensor(uint8s: [0, 17, 255, 128, 1, 2], shape: [3, 2]))
        try writer.add("scalar", Tensor(shape: [], data: [42.5]))
        try writer.add("empty", Tensor(shape: [0], data: []))
        try writer.add("empty.i64", RawTensor(int64s: [], shape: [3, 0]))
        let path = directory.file("all.safetensors")
        try writer.write(to: path)

        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == writer.metadata)
        #expect(Set(file.entries.keys) == Set(writer.tensors.keys))
        #expect(try file.tensor("f32").storage.map(\.bitPattern) == matrix.storage.map(\.bitPattern))
        #expect(try file.tensor("f32").shape == [2, 3])
        #expect(try file.tensor("f16") == halfExact)
        #expect(try file.tensor("bf16") == bfloatExact)
        #expect(try file.int64s("i64").values == [Int64.min, -1, 0, 1 << 40, Int64.max])
        #expect(try file.uint8s("u8").shape == [3, 2])
        #expect(try file.uint8s("u8").values == [0, 17, 255, 128, 1, 2])
        #expect(try file.tensor("scalar").shape == [])
        #expect(try file.tensor("scalar").storage == [42.5])
        #expect(try file.tensor("empty") == Tensor(shape: [0], data: []))
        #expect(try file.int64s("empty.i64").shape == [3, 0])
        #expect(try file.int64s("empty.i64").values.isEmpty)
        // Raw copies of every tensor equal what was written.
        for name in writer.tensors.keys { #expect(try file.rawTensor(name) == writer.tensors[name]) }
    }

    @Test func layoutIsAlignedPaddedAndOrderedLikeTheReference() throws {
        var writer = SafetensorsWriter()
        try writer.add("b", RawTensor(uint8s: [1, 2, 3], shape: [3]))
        try writer.add("a", RawTensor(uint8s: [4], shape: [1]))
        try writer.add("h", RawTensor(float16: Tensor(shape: [1], data: [1])))
        try writer.add("w", Tensor(shape: [1], data: [2]))
        try writer.add("n", RawTensor(int64s: [5], shape: [1]))
        #expect(writer.layoutOrder == ["n", "w", "h", "a", "b"])  // I64, F32, F16, then U8 by name

        let bytes = writer.serialized()
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"n":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F32""#))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix(#""b":{"dtype":"U8","shape":[3],"data_offsets":[15,18]}}"#))
        #expect(bytes.count == 8 + headerLength + 18)
    }

    @Test func emptyFileWithOnlyMetadataMatchesTheReferenceBytes() throws {
        // The reference serialises no tensors and {"framework": "pt"} to exactly these bytes.
        let bytes = SafetensorsWriter(metadata: ["framework": "pt"]).serialized()
        #expect(bytes == [40, 0, 0, 0, 0, 0, 0, 0] + Array(#"{"__metadata__":{"framework":"pt"}}     "#.utf8))
        #expect(SafetensorsWriter().serialized() == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    }

    @Test func writerRefusesDuplicateReservedAndInconsistentTensors() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", Tensor(shape: [1], data: [1]))
        #expect(throws: WeightsError.self) { try writer.add("x", Tensor(shape: [1], data: [2])) }
        #expect(throws: WeightsError.self) { try writer.add("__metadata__", Tensor(shape: [1], data: [2])) }
        #expect(throws: WeightsError.self) { try RawTensor(dtype: .f32, shape: [2], bytes: [0, 0, 0]) }
        #expect(throws: WeightsError.self) { try RawTensor(int64s: [1, 2], shape: [3]) }
        #expect(throws: WeightsError.self) { try RawTensor(dtype: .u8, shape: [-1], bytes: []) }
    }

    @Test func bfloat16ConversionRoundsToNearestEven() {
        // 1 + 2^-8 is halfway between two BF16 values: ties go to the even one (1.0).
        #expect(RawTensor.bfloat16Bits(1 + 0x1p-8) == 0x3F80)
        // 1 + 3·2^-8 is halfway too; the even neighbour is above.
        #expect(RawTensor.bfloat16Bits(1 + 3 * 0x1p-8) == 0x3F82)
        #expect(RawTensor.bfloat16Bits(1 + 0x1p-8 + 0x1p-20) == 0x3F81)
        #expect(RawTensor.bfloat16Bits(.infinity) == 0x7F80)
        #expect(RawTensor.bfloat16Bits(.greatestFiniteMagnitude) == 0x7F80)  // rounds up to infinity
        #expect(RawTensor.bfloat16Bits(-.nan) & 0x7FC0 == 0x7FC0)
    }

    @Test func writeIsAtomicAndLeavesNoTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("model.safetensors")
        try SafetensorsWriter.write(["a": Tensor(shape: [1], data: [1])], to: path)
        try SafetensorsWriter.write(["b": Tensor(shape: [2], data: [2, 3])], metadata: ["k": "v"], to: path)
        #expect(try directory.contents() == ["model.safetensors"])
        let file = try SafetensorsFile(path: path)
        #expect(file.names == ["b"])
        #expect(file.metadata == ["k": "v"])

        // Writing into a missing directory fails cleanly and creates nothing.
        let error = #expect(throws: WeightsError.self) {
            try SafetensorsWriter.write([:], to: directory.file("missing/model.safetensors"))
        }
        #expect(error?.description.contains("missing") == true)
        #expect(try SafetensorsFile(path: path).names == ["b"])  // the old file is untouched
    }
}
