import Testing
import VisTensor

@Suite struct AxisLayoutTests {
    @Test func permuteAndTransposeMatchTorch() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("permute.x")
        try expectMatches(try permuted(x, [2, 0, 3, 1]), "permute.output", in: f)
        try expectMatches(try permuted(x, [-2, 0, -1, 1]), "permute.output", in: f)
        try expectMatches(try transposed(x, 1, 3), "transpose.output", in: f)
        #expect(try permuted(x, [0, 1, 2, 3]) == x)
        #expect(try permuted(permuted(x, [2, 0, 3, 1]), [1, 3, 0, 2]) == x)
    }

    @Test func concatenateMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let parts = try (0..<3).map { try f.tensor("concat.part\($0)") }
        try expectMatches(try concatenate(parts, axis: 1), "concat.output", in: f)
        try expectMatches(try concatenate(parts, axis: -2), "concat.output", in: f)
    }

    @Test func sliceSplitAndFlattenInvertConcatenate() throws {
        let f = try attentionResampleFixtures()
        let parts = try (0..<3).map { try f.tensor("concat.part\($0)") }
        let joined = try f.tensor("concat.output")
        #expect(try split(joined, axis: 1, sizes: [3, 1, 2]) == parts)
        #expect(try slice(joined, axis: 1, range: 3..<4) == parts[1])
        #expect(try slice(joined, axis: 1, range: 2..<2).shape == [2, 0, 4])
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(try slice(x, axis: -1, range: 1..<3).storage == [2, 3, 5, 6])
        #expect(try slice(x, axis: 0, range: 1..<2).storage == [4, 5, 6])
        #expect(try flatten(joined, startAxis: 1).shape == [2, 24])
        #expect(try flatten(joined).shape == [48])
        #expect(try flatten(joined, startAxis: 0, endAxis: 1).shape == [12, 4])
        #expect(try flatten(joined, startAxis: 1).storage == joined.storage)
    }

    @Test func badAxesAndShapesThrowNamingOpAndShapes() {
        let x = Tensor(zeros: [2, 3, 4])
        expectTensorError(mentioning: ["permute", "[0, 0, 1]", "[2, 3, 4]"]) { () throws(TensorError) in _ = try permuted(x, [0, 0, 1]) }
        expectTensorError(mentioning: ["permute", "[2, 3, 4]"]) { () throws(TensorError) in _ = try permuted(x, [1, 0]) }
        expectTensorError(mentioning: ["transpose", "[2, 3, 4]"]) { () throws(TensorError) in _ = try transposed(x, 0, 3) }
        expectTensorError(mentioning: ["concatenate", "[2, 3, 4]", "[2, 3, 5]"]) { () throws(TensorError) in
            _ = try concatenate([x, Tensor(zeros: [2, 3, 5])], axis: 1)
        }
        expectTensorError(mentioning: ["concatenate"]) { () throws(TensorError) in _ = try concatenate([], axis: 0) }
        expectTensorError(mentioning: ["slice", "[2, 3, 4]"]) { () throws(TensorError) in _ = try slice(x, axis: 1, range: 2..<4) }
        expectTensorError(mentioning: ["split", "[2, 3, 4]"]) { () throws(TensorError) in _ = try split(x, axis: 2, sizes: [1, 2]) }
        expectTensorError(mentioning: ["flatten", "[2, 3, 4]"]) { () throws(TensorError) in _ = try flatten(x, startAxis: 2, endAxis: 1) }
    }
}
