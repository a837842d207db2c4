import Testing
import VisTensor

@Suite struct ResidualAdditionTests {
    /// Checked element by element against `relu(add(a, b))` (both compared to PyTorch elsewhere),
    /// on a size that spans several parallel chunks and a ragged last chunk.
    @Test func addReLUMatchesAddThenReLU() throws {
        let count = 3 * 4096 + 17
        let a = Tensor(shape: [1, count]) { for i in $0.indices { $0[i] = Float((i * 37) % 101) / 50 - 1 } }
        let b = Tensor(shape: [1, count]) { for i in $0.indices { $0[i] = Float((i * 53) % 89) / 44 - 1 } }
        let expected = relu(try add(a, b))
        #expect(try addReLU(a, b) == expected)
        var inPlace = a
        try addReLUInPlace(&inPlace, b)
        #expect(inPlace == expected)
        #expect(expected.storage.contains(0) && expected.storage.contains { $0 > 0 })
    }

    @Test func addReLUPropagatesNaN() throws {
        let out = try addReLU(Tensor(shape: [3], data: [.nan, -1, 2]), Tensor(shape: [3], data: [1, -1, .nan]))
        #expect(out.storage[0].isNaN && out.storage[1] == 0 && out.storage[2].isNaN)
    }

    @Test func addReLURejectsDifferentShapes() {
        #expect(throws: TensorError.shapeMismatch(op: "addReLU", detail: "[2, 3] and [3] must be equal (no broadcasting)")) {
            try addReLU(Tensor(zeros: [2, 3]), Tensor(zeros: [3]))
        }
    }
}
