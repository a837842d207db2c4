import Testing
import VisTensor

@Suite struct ElementwiseArithmeticTests {
    @Test func broadcastingMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        try expectMatches(try add(f.tensor("add.a"), f.tensor("add.b")), "add.output", in: f)
        try expectMatches(try multiply(f.tensor("mul.a"), f.tensor("mul.b")), "mul.output", in: f)
        try expectMatches(try subtract(f.tensor("sub.a"), f.tensor("sub.b")), "sub.output", in: f)
        try expectMatches(try divide(f.tensor("div.a"), f.tensor("div.b")), "div.output", in: f)
    }

    @Test func broadcastingIsSymmetricInShape() throws {
        let f = try attentionResampleFixtures()
        let a = try f.tensor("add.a"), b = try f.tensor("add.b")
        // b + a has the same shape and (addition commuting) the same values as a + b.
        try expectMatches(try add(b, a), "add.output", in: f)
        #expect(try subtract(b, a).shape == [2, 3, 4])
    }

    @Test func sameShapeAndScalarOperandsAreExact() throws {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [2, 3], data: [6, 5, 4, 3, 2, 1])
        #expect(try add(a, b).storage == [7, 7, 7, 7, 7, 7])
        #expect(try multiply(a, b).storage == [6, 10, 12, 12, 10, 6])
        #expect(try subtract(a, Tensor(shape: [], data: [1])).storage == [0, 1, 2, 3, 4, 5])
        #expect(add(a, 1).storage == [2, 3, 4, 5, 6, 7])
        #expect(subtract(a, 1).storage == [0, 1, 2, 3, 4, 5])
        #expect(multiply(a, 2).storage == [2, 4, 6, 8, 10, 12])
        #expect(divide(a, 2).storage == [0.5, 1, 1.5, 2, 2.5, 3])
        // A column against a row: every pair.
        let column = Tensor(shape: [3, 1], data: [0, 10, 20]), row = Tensor(shape: [1, 2], data: [1, 2])
        #expect(try add(column, row).storage == [1, 2, 11, 12, 21, 22])
        #expect(try add(column, row).shape == [3, 2])
    }

    @Test func largeBroadcastAgreesWithDirectIndexing() throws {
        // Big enough to be split across threads.
        let a = Tensor(shape: [3, 1, 200, 70]) { out in for i in 0..<out.count { out[i] = Float(i % 97) * 0.5 } }
        let b = Tensor(shape: [5, 1, 70]) { out in for i in 0..<out.count { out[i] = Float(i % 13) - 6 } }
        let sum = try add(a, b)
        #expect(sum.shape == [3, 5, 200, 70])
        var mismatches = 0
        for i in 0..<3 { for j in 0..<5 { for k in stride(from: 0, to: 200, by: 7) { for l in 0..<70 {
            if sum[i, j, k, l] != a[i, 0, k, l] + b[j, 0, l] { mismatches += 1 }
        } } } }
        #expect(mismatches == 0)
    }

    @Test func incompatibleShapesThrowNamingOpAndShapes() {
        let a = Tensor(zeros: [2, 3]), b = Tensor(zeros: [4])
        expectTensorError(mentioning: ["add", "[2, 3]", "[4]"]) { () throws(TensorError) in _ = try add(a, b) }
        expectTensorError(mentioning: ["multiply", "[2, 3]", "[4]"]) { () throws(TensorError) in _ = try multiply(a, b) }
        expectTensorError(mentioning: ["subtract"]) { () throws(TensorError) in _ = try subtract(a, b) }
        expectTensorError(mentioning: ["divide"]) { () throws(TensorError) in _ = try divide(b, a) }
    }
}
