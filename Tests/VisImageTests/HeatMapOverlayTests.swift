import Testing
import VisImage
import VisTensor

struct HeatMapOverlayTests {
    @Test func colorizesWithMinMaxNormalisation() throws {
        let map = Tensor(shape: [2, 3], data: [-2, 0, 2, 6, 4, 1])
        let image = try RGBImage(heatMap: map)
        #expect(image.width == 3 && image.height == 2)
        #expect(image[0, 0] == Viridis.table[0])       // minimum
        #expect(image[0, 1] == Viridis.table[255])     // maximum
        #expect(image[1, 0] == Viridis.color(at: 0.25))
        #expect(image[2, 0] == Viridis.color(at: 0.5))
        // An explicit range clamps values outside it.
        let ranged = try RGBImage(heatMap: map, range: 0...2)
        #expect(ranged[0, 0] == Viridis.table[0] && ranged[0, 1] == Viridis.table[255] && ranged[2, 0] == Viridis.table[255])
        #expect(ranged[2, 1] == Viridis.color(at: 0.5))
        // A constant map renders as the low colour.
        #expect(try RGBImage(heatMap: Tensor(repeating: 3, shape: [1, 2, 2])) == RGBImage(width: 2, height: 2, fill: Viridis.table[0]))
    }

    @Test func overlayBlendsWithTheDocumentedFormula() throws {
        var image = RGBImage(width: 2, height: 1, fill: RGBColor(200, 100, 0))
        try image.overlayHeatMap(Tensor(shape: [1, 2], data: [0, 1]), alpha: 0.25)
        // round(200*.75 + 68*.25) = round(167) = 167; round(100*.75 + 1*.25) = round(75.25) = 75;
        // round(0 + 84*.25) = 21.  Right: round(150 + 253*.25) = round(213.25) = 213;
        // round(75 + 231*.25) = round(132.75) = 133; round(37*.25) = round(9.25) = 9.
        #expect(image[0, 0] == RGBColor(167, 75, 21))
        #expect(image[1, 0] == RGBColor(213, 133, 9))
    }

    @Test func smallMapIsStretchedBilinearlyOverTheImage() throws {
        var image = RGBImage(width: 8, height: 4, fill: .black)
        // Left half 0, right half 1, at 2x1: after half-pixel bilinear upsampling the outer columns
        // keep the extremes and the middle ramps.
        try image.overlayHeatMap(Tensor(shape: [1, 2], data: [0, 1]), alpha: 1)
        for y in 0..<4 {
            #expect(image[0, y] == Viridis.table[0] && image[1, y] == Viridis.table[0])
            #expect(image[6, y] == Viridis.table[255] && image[7, y] == Viridis.table[255])
            // Column 3: source position (3.5 * 2/8) - 0.5 = 0.375 -> value 0.375.
            #expect(image[3, y] == Viridis.color(at: 0.375))
        }
        var strict = RGBImage(width: 8, height: 4)
        #expect(throws: ImageOperationError.self) {
            try strict.overlayHeatMap(Tensor(shape: [1, 2], data: [0, 1]), resizeToImage: false)
        }
    }

    @Test func rejectsBadMaps() {
        var image = RGBImage(width: 4, height: 4)
        #expect(throws: ImageOperationError.self) { try image.overlayHeatMap(Tensor(zeros: [4])) }
        #expect(throws: ImageOperationError.self) { try image.overlayHeatMap(Tensor(zeros: [2, 4, 4])) }
        #expect(throws: ImageOperationError.self) { try image.overlayHeatMap(Tensor(zeros: [0, 4])) }
        #expect(throws: ImageOperationError.self) { try image.overlayHeatMap(Tensor(zeros: [4, 4]), range: 1...1) }
        #expect(throws: ImageOperationError.self) { try image.overlayHeatMap(Tensor(zeros: [4, 4]), alpha: .nan) }
    }
}
