import Foundation
import Testing
import VisTensor
@testable import VisWeights

@Suite struct ShardedCheckpointTests {
    static let fixture = fixturesDirectory.appendingPathComponent("weights/sharded")
    static let shard1 = "model-00001-of-00002.safetensors"
    static let shard2 = "model-00002-of-00002.safetensors"

    /// A copy of the reference sharded checkpoint in a temporary directory, for mutation.
    func copyOfFixture() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixture.path) {
            try FileManager.default.copyItem(atPath: Self.fixture.appendingPathComponent(name).path, toPath: directory.file(name))
        }
        return directory
    }

    func writeIndex(_ weightMap: [String: String], in directory: TemporaryDirectory) throws {
        let json = try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": 64], "weight_map": weightMap], options: [.sortedKeys])
        try directory.write(Checkpoint.indexFileName, [UInt8](json))
    }

    func referenceWeightMap() throws -> [String: String] {
        try CheckpointIndex(path: Self.fixture.appendingPathComponent(Checkpoint.indexFileName).path).weightMap
    }

    /// The problems of an inconsistent checkpoint (records an issue for any other outcome).
    func problems(in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        do {
            _ = try Checkpoint.open(directory: directory.path)
            Issue.record("inconsistent checkpoint was accepted", sourceLocation: sourceLocation)
        } catch {
            if case .inconsistentCheckpoint(_, let problems) = error { return problems }
            Issue.record("expected .inconsistentCheckpoint, got \(error)", sourceLocation: sourceLocation)
        }
        return []
    }

    @Test func readsTheReferenceShardsAsOneCollection() throws {
        let checkpoint = try Checkpoint.open(directory: Self.fixture)
        #expect(checkpoint.index != nil)
        #expect(checkpoint.files.count == 2)
        #expect(checkpoint.names == ["bn.num_batches_tracked", "decoder.position_ids", "decoder.weight", "encoder.bias", "encoder.weight"])
        #expect(checkpoint.metadata == ["total_size": "64"])
        #expect(try checkpoint.tensor("encoder.weight") == Tensor(shape: [2, 2], data: [1, 2, 3, 4]))
        // BF16 widened exactly: 1/3 rounds to 0x3EAB in BF16.
        #expect(try checkpoint.tensor("decoder.weight").storage == [0.25, -8, Float(bitPattern: 0x3EAB_0000), 7])
        #expect(try checkpoint.int64s("decoder.position_ids").values == [0, 1, 2])
        #expect(try checkpoint.int64s("bn.num_batches_tracked").shape == [])
        #expect(try checkpoint.file(containing: "encoder.bias").path.hasSuffix(Self.shard1))
        #expect(throws: WeightsError.self) { try checkpoint.tensor("absent") }
        // Opening the index path directly gives the same collection.
        let byIndex = try Checkpoint.open(path: Self.fixture.appendingPathComponent(Checkpoint.indexFileName).path)
        #expect(byIndex.names == checkpoint.names)
    }

    @Test func missingShardFileIsNamed() throws {
        let directory = try copyOfFixture()
        defer { directory.remove() }
        try FileManager.default.removeItem(atPath: directory.file(Self.shard2))
        let found = problems(in: directory)
        #expect(found == ["shard file '\(Self.shard2)' (mapped from 3 tensors) does not exist"])
    }

    @Test func tensorMappedToTheWrongShard() throws {
        let directory = try copyOfFixture()
        defer { directory.remove() }
        var map = try referenceWeightMap()
        map["encoder.bias"] = Self.shard2
        try writeIndex(map, in: directory)
        #expect(problems(in: directory) == ["tensor 'encoder.bias' is mapped to '\(Self.shard2)', but is stored in '\(Self.shard1)'"])
    }

    @Test func tensorStoredInTwoShards() throws {
        let directory = try copyOfFixture()
        defer { directory.remove() }
        // Rewrite shard 2 with a second copy of encoder.bias.
        let shard2 = try SafetensorsFile(path: directory.file(Self.shard2))
        var writer = SafetensorsWriter(metadata: shard2.metadata)
        for name in shard2.names { try writer.add(name, shard2.rawTensor(name)) }
        try writer.add("encoder.bias", Tensor(shape: [2], data: [9, 9]))
        try writer.write(to: directory.file(Self.shard2))
        #expect(problems(in: directory) == ["tensor 'encoder.bias' is stored in more than one shard: '\(Self.shard1)', '\(Self.shard2)'"])
    }

    @Test func everyDisagreementIsListedAtOnce() throws {
        let directory = try copyOfFixture()
        defer { directory.remove() }
        var map = try referenceWeightMap()
        map["encoder.weight"] = nil        // stored but not listed
        map["ghost.weight"] = Self.shard1  // listed but stored nowhere
        try writeIndex(map, in: directory)
        let found = problems(in: directory)
        #expect(found == [
            "tensor 'encoder.weight' in '\(Self.shard1)' is not listed in the weight_map",
            "tensor 'ghost.weight' is mapped to '\(Self.shard1)', but no shard contains it",
        ])
        let error = WeightsError.inconsistentCheckpoint(index: "i.json", problems: found)
        #expect(error.description.contains("2 problems"))
    }

    @Test func malformedIndexFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cases: [(String, String)] = [
            (#"{"metadata":{}}"#, "no weight_map"),
            (#"{"weight_map":{"a":"../outside.safetensors"}}"#, "not a file inside"),
            (#"{"weight_map":{"a":"/abs.safetensors"}}"#, "not a file inside"),
            (#"{"weight_map":{"a":"x.safetensors","a":"y.safetensors"}}"#, "duplicate key \"a\" at line 1, column 36: expected each key once (first at line 1, column 16)"),
            (#"{"weight_map":{"a":3}}"#, "not a file name"),
            (#"{"weight_map":[]}"#, "not an object"),
            (#"[]"#, "not a JSON object"),
            (#"{"weight_map":{}"#, "not valid JSON: expected ',' or '}' after an object member, found the end of the text at line 1, column 17"),
            ("{\n  \"weight_map\": {\n    \"a\": \"x.safetensors\",\n  }\n}", "not valid JSON: expected a string key in an object, found '}' at line 4, column 3"),
        ]
        for (json, words) in cases {
            let path = try directory.write("bad.index.json", Array(json.utf8))
            let error = #expect(throws: WeightsError.self, "\(json)") { try Checkpoint(index: path) }
            #expect(error?.description.contains(words) == true, "\(json): \(String(describing: error))")
        }
    }

    @Test func directoryDiscovery() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: WeightsError.self) { try Checkpoint.open(directory: directory.path) }
        // A lone, non-standard file name is found.
        try SafetensorsWriter.write(["x": Tensor(shape: [1], data: [1])], to: directory.file("diffusion_pytorch_model.safetensors"))
        #expect(try Checkpoint.open(directory: directory.path).names == ["x"])
        // Two candidates are ambiguous…
        try SafetensorsWriter.write(["y": Tensor(shape: [1], data: [2])], to: directory.file("other.safetensors"))
        let error = #expect(throws: WeightsError.self) { try Checkpoint.open(directory: directory.path) }
        #expect(error?.description.contains("several candidates") == true)
        // …until model.safetensors settles it.
        try SafetensorsWriter.write(["z": Tensor(shape: [1], data: [3])], metadata: ["format": "pt"], to: directory.file(Checkpoint.singleFileName))
        let checkpoint = try Checkpoint.open(directory: directory.path)
        #expect(checkpoint.names == ["z"])
        #expect(checkpoint.metadata == ["format": "pt"])
        #expect(checkpoint.index == nil)
    }
}
