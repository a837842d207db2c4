import Foundation
import Testing
import VisTensor
@testable import VisWeights

/// Files written by the reference library (Fixtures/weights/generate_weights_fixtures.py).
@Suite struct ReferenceFixtureTests {
    static let weights = fixturesDirectory.appendingPathComponent("weights")

    @Test func readsEveryReferenceTensorBitForBit() throws {
        let file = try SafetensorsFile(url: Self.weights.appendingPathComponent("reference_dtypes.safetensors"))
        let expectedData = try Data(contentsOf: Self.weights.appendingPathComponent("expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        #expect(file.metadata == (expected["metadata"] as? [String: String]))

        let tensors = try #require(expected["tensors"] as? [String: [String: Any]])
        #expect(Set(file.entries.keys) == Set(tensors.keys))
        #expect(tensors.count == 8)
        for (name, description) in tensors {
            let dtype = try #require(description["dtype"] as? String)
            let shape = try #require(description["shape"] as? [Int])
            let values = try #require(description["values"] as? [NSNumber])
            let entry = try file.entry(name)
            #expect(entry.dtype.rawValue == dtype, "\(name)")
            #expect(entry.shape == shape, "\(name)")
            switch dtype {
            case "F32", "F16", "BF16":
                let tensor = try file.tensor(name)
                #expect(tensor.shape == shape)
                #expect(tensor.storage.map(\.bitPattern) == values.map(\.uint32Value), "\(name)")
            case "I64":
                let read = try file.int64s(name)
                #expect(read.shape == shape)
                #expect(read.values == values.map(\.int64Value), "\(name)")
            case "U8":
                let read = try file.uint8s(name)
                #expect(read.shape == shape)
                #expect(read.values == values.map(\.uint8Value), "\(name)")
            default:
                Issue.record("unexpected dtype \(dtype) in expected.json")
            }
        }
    }

    @Test func accessorsRefuseOtherDTypesWithAHint() throws {
        let file = try SafetensorsFile(url: Self.weights.appendingPathComponent("reference_dtypes.safetensors"))
        let error = #expect(throws: WeightsError.self) { try file.tensor("i64.ids") }
        #expect(error?.description.contains("int64s") == true)
        #expect(throws: WeightsError.self) { try file.int64s("u8.pixels") }
        #expect(throws: WeightsError.self) { try file.uint8s("f32.matrix") }
        #expect(throws: WeightsError.missingTensor(name: "nope", file: file.path)) { try file.tensor("nope") }
    }

    /// The Swift writer produces exactly the bytes the reference writer produced for the same
    /// tensors, so the reference reader reads our files as its own.
    @Test func writerOutputIsByteIdenticalToTheReferenceWriter() throws {
        let f32 = Tensor(shape: [3, 4], data: (0..<12).map { Float($0) / 3 })
        let rounded = Tensor(shape: [8], data: (0..<8).map { (Float($0) - 4) / 7 })
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        try writer.add("z.f32", f32)
        try writer.add("a.f16", RawTensor(float16: rounded))
        try writer.add("m.bf16", RawTensor(bfloat16: rounded))
        try writer.add("ids", RawTensor(int64s: (0..<5).map { Int64($0) - 2 }, shape: [5]))
        try writer.add("pix", RawTensor(uint8s: (0..<6).map { UInt8($0 * 40) }, shape: [2, 3]))
        try writer.add("scalar", Tensor(shape: [], data: [1.5]))
        try writer.add("empty", Tensor(shape: [0], data: []))

        let reference = try [UInt8](Data(contentsOf: Self.weights.appendingPathComponent("writer_reference.safetensors")))
        let ours = writer.serialized()
        #expect(ours.count == reference.count)
        #expect(ours == reference)
        if ours != reference {
            Issue.record("ours:      \(String(decoding: ours.prefix(400), as: UTF8.self))\nreference: \(String(decoding: reference.prefix(400), as: UTF8.self))")
        }
    }
}
