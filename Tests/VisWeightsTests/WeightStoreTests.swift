import Foundation
import Testing
import VisTensor
@testable import VisWeights

@Suite struct WeightStoreTests {
    static let sharded = fixturesDirectory.appendingPathComponent("weights/sharded")

    @Test func renamesDropsAndVerifiesAReferenceCheckpoint() throws {
        let checkpoint = try Checkpoint.open(directory: Self.sharded)
        var store = try WeightStore(checkpoint: checkpoint) { key in
            key.hasSuffix(".num_batches_tracked") ? nil : key.replacingOccurrences(of: "encoder.", with: "enc.")
        }
        #expect(store.remainingNames == ["decoder.position_ids", "decoder.weight", "enc.bias", "enc.weight"])
        #expect(store.shape(of: "enc.weight") == [2, 2])
        let weight = store.take("enc.weight", shape: [2, 2])
        let bias = store.take("enc.bias", shape: [2])
        let decoder = store.take("decoder.weight", shape: [2, 2])
        let positions = store.takeInt64("decoder.position_ids", shape: [1, 3])
        try store.finish()
        #expect(weight.storage == [1, 2, 3, 4])
        #expect(bias.storage == [0.5, -0.5])
        #expect(decoder.storage[0] == 0.25)
        #expect(positions == [0, 1, 2])
    }

    @Test func verificationListsEveryProblemSorted() throws {
        var store = WeightStore(tensors: [
            "head.weight": Tensor(zeros: [1000, 512]),
            "stem.weight": Tensor(zeros: [8, 3, 3, 3]),
            "extra.b": Tensor(zeros: [1]),
            "extra.a": Tensor(zeros: [1]),
        ])
        let head = store.take("head.weight", shape: [10, 512])
        #expect(head.shape == [10, 512])  // placeholder of the declared shape
        _ = store.take("stem.weight", shape: [8, 3, 3, 3])
        _ = store.take("stem.weight", shape: [8, 3, 3, 3])
        _ = store.take("missing.z", shape: [1])
        _ = store.take("missing.a", shape: [2])
        let error = #expect(throws: WeightVerificationError.self) { try store.finish() }
        #expect(error == WeightVerificationError(
            missing: ["missing.a", "missing.z"], unexpected: ["extra.a", "extra.b"],
            shapeMismatches: [.init(name: "head.weight", expected: [10, 512], found: [1000, 512])],
            takenMoreThanOnce: ["stem.weight"]))
        let text = error?.description ?? ""
        #expect(text.contains("2 missing, 2 unexpected, 1 shape mismatches, 1 taken more than once"))
        #expect(text.contains("missing (2):\n  - missing.a\n  - missing.z"))
        #expect(text.contains("unexpected (2):\n  - extra.a\n  - extra.b"))
        #expect(text.contains("head.weight: expected [10, 512], found [1000, 512]"))
    }

    @Test func missingExtraAndWrongShapeEachFail() throws {
        var missing = WeightStore(tensors: ["a": Tensor(zeros: [1])])
        _ = missing.take("a", shape: [1])
        _ = missing.take("b", shape: [1])
        #expect(throws: WeightVerificationError(missing: ["b"])) { try missing.finish() }

        var extra = WeightStore(tensors: ["a": Tensor(zeros: [1]), "b": Tensor(zeros: [1])])
        _ = extra.take("a", shape: [1])
        #expect(throws: WeightVerificationError(unexpected: ["b"])) { try extra.finish() }

        var wrongShape = WeightStore(tensors: ["a": Tensor(zeros: [2, 3])])
        _ = wrongShape.take("a", shape: [3, 2])  // same count, other shape: still a mismatch
        #expect(throws: WeightVerificationError(shapeMismatches: [.init(name: "a", expected: [3, 2], found: [2, 3])])) { try wrongShape.finish() }

        var wrongKind = WeightStore(weights: ["ids": .int64(shape: [2], values: [0, 1])])
        _ = wrongKind.take("ids", shape: [2])
        #expect(throws: WeightVerificationError(kindMismatches: [.init(name: "ids", expected: "float32", found: "int64")])) { try wrongKind.finish() }
    }

    @Test func optionalAndBulkTakes() throws {
        var store = WeightStore(tensors: ["conv.weight": Tensor(zeros: [4, 1, 1, 1]), "fc.weight": Tensor(zeros: [2, 4])])
        #expect(store.takeIfPresent("conv.bias", shape: [4]) == nil)
        let all = store.take(all: ["conv.weight": [4, 1, 1, 1], "fc.weight": [2, 4]])
        #expect(all.keys.sorted() == ["conv.weight", "fc.weight"])
        try store.finish()
    }

    @Test func splittingAStackedProjection() throws {
        let stacked = Tensor(shape: [6, 2], data: (0..<12).map(Float.init))
        var store = WeightStore(tensors: ["attn.in_proj_weight": stacked])
        try store.splitAlongFirstAxis("attn.in_proj_weight", into: ["attn.q.weight", "attn.k.weight", "attn.v.weight"])
        #expect(store.remainingNames == ["attn.k.weight", "attn.q.weight", "attn.v.weight"])
        #expect(store.take("attn.q.weight", shape: [2, 2]).storage == [0, 1, 2, 3])
        #expect(store.take("attn.k.weight", shape: [2, 2]).storage == [4, 5, 6, 7])
        #expect(store.take("attn.v.weight", shape: [2, 2]).storage == [8, 9, 10, 11])
        try store.finish()

        #expect(try WeightTransforms.splitAlongFirstAxis(Tensor(shape: [5], data: [1, 2, 3, 4, 5]), sizes: [2, 3]).map(\.storage) == [[1, 2], [3, 4, 5]])
        #expect(throws: WeightsError.self) { try WeightTransforms.splitAlongFirstAxis(stacked, parts: 4) }
        #expect(throws: WeightsError.self) { try WeightTransforms.splitAlongFirstAxis(stacked, sizes: [3, 2]) }
        #expect(throws: WeightsError.self) { try WeightTransforms.splitAlongFirstAxis(Tensor(shape: [], data: [1]), parts: 1) }
    }

    @Test func transformsAndInserts() throws {
        var store = WeightStore(tensors: ["w": Tensor(shape: [2], data: [1, 2])])
        try store.transform("w") { (tensor) throws(WeightsError) in Tensor(shape: [2], data: tensor.storage.map { $0 * 10 }) }
        #expect(throws: WeightsError.self) { try store.insert(Tensor(zeros: [1]), as: "w") }
        try store.insert(Tensor(zeros: [1]), as: "extra")
        #expect(store.remove("extra") != nil)
        #expect(store.take("w", shape: [2]).storage == [10, 20])
        try store.finish()
    }

    @Test func renamingCollisionsAreRefused() throws {
        let checkpoint = try Checkpoint.open(directory: Self.sharded)
        let error = #expect(throws: WeightsError.self) {
            try WeightStore(checkpoint: checkpoint) { key in key.hasPrefix("encoder.") ? "encoder" : nil }
        }
        #expect(error?.description.contains("'encoder' <- 'encoder.bias', 'encoder.weight'") == true)
    }
}
