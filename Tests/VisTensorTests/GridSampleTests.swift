import Testing
import VisTensor

@Suite struct GridSampleTests {
    @Test func bilinearMatchesTorch() throws {
        let f = try attentionResampleFixtures()
        let x = try f.tensor("grid_sample.x"), grid = try f.tensor("grid_sample.grid")  // grid spans [-1.3, 1.3]
        for (mode, name) in [(GridSamplePadding.zeros, "zeros"), (.border, "border")] {
            for alignCorners in [false, true] {
                let y = try gridSample(x, grid: grid, paddingMode: mode, alignCorners: alignCorners)
                try expectMatches(y, "grid_sample_\(name)_ac\(alignCorners ? 1 : 0).output", in: f)
            }
        }
    }

    @Test func pixelCentresReturnPixelsAndFarPointsFollowPadding() throws {
        // 1 × 1 × 2 × 2 input; with alignCorners the corners ±1 are the pixel centres.
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        let grid = Tensor(shape: [1, 1, 4, 2], data: [-1, -1, 1, -1, 1, 1, 1e30, .nan])
        let zeros = try gridSample(x, grid: grid, paddingMode: .zeros, alignCorners: true)
        #expect(zeros.storage == [1, 2, 4, 0])
        let border = try gridSample(x, grid: grid, paddingMode: .border, alignCorners: true)
        #expect(border.storage[0..<3] == [1, 2, 4])
        #expect(border.storage[3] == 0)  // NaN coordinate: documented to sample zero
        let far = Tensor(shape: [1, 1, 1, 2], data: [5, -7])
        #expect(try gridSample(x, grid: far, paddingMode: .border).storage == [2])
        #expect(try gridSample(x, grid: far, paddingMode: .zeros).storage == [0])
    }

    @Test func badShapesThrowNamingOpAndShapes() {
        let x = Tensor(zeros: [2, 3, 4, 5])
        expectTensorError(mentioning: ["gridSample", "[2, 6, 7, 3]", "[2, 3, 4, 5]"]) { () throws(TensorError) in
            _ = try gridSample(x, grid: Tensor(zeros: [2, 6, 7, 3]))
        }
        expectTensorError(mentioning: ["gridSample", "[1, 6, 7, 2]"]) { () throws(TensorError) in
            _ = try gridSample(x, grid: Tensor(zeros: [1, 6, 7, 2]))
        }
        expectTensorError(mentioning: ["gridSample", "[3, 4, 5]"]) { () throws(TensorError) in
            _ = try gridSample(Tensor(zeros: [3, 4, 5]), grid: Tensor(zeros: [3, 6, 7, 2]))
        }
    }
}
