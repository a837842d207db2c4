import Testing
import VisImage

struct MaskOverlayTests {
    @Test func tintsOnlySelectedPixels() throws {
        var image = RGBImage(width: 3, height: 2, fill: RGBColor(100, 100, 100))
        let mask = [true, false, true, false, false, true]
        try image.overlayMask(mask, maskWidth: 3, maskHeight: 2, color: RGBColor(0, 255, 0), alpha: 0.4)
        // round(100 * 0.6) = 60, round(100 * 0.6 + 255 * 0.4) = 162.
        let tinted = RGBColor(60, 162, 60)
        for y in 0..<2 {
            for x in 0..<3 {
                #expect(image[x, y] == (mask[y * 3 + x] ? tinted : RGBColor(100, 100, 100)), "(\(x), \(y))")
            }
        }
    }

    @Test func lowResolutionMaskIsStretchedNearest() throws {
        var image = RGBImage(width: 8, height: 6, fill: drawingBackground)
        // 2x2 mask: only the bottom-right cell set -> image quadrant x 4..<8, y 3..<6.
        try image.overlayMask([false, false, false, true], maskWidth: 2, maskHeight: 2, color: paint, alpha: 1)
        var expected = Set<PixelPosition>()
        for y in 3..<6 { for x in 4..<8 { expected.insert(PixelPosition(x, y)) } }
        #expect(image.positions(of: paint) == expected)
    }

    @Test func rejectsMalformedMasks() {
        var image = RGBImage(width: 4, height: 4)
        #expect(throws: ImageOperationError.self) { try image.overlayMask([true, false], maskWidth: 3, maskHeight: 1, color: paint) }
        #expect(throws: ImageOperationError.self) { try image.overlayMask([], maskWidth: 0, maskHeight: 0, color: paint) }
        #expect(throws: ImageOperationError.self) { try image.overlayMask([true], maskWidth: 1, maskHeight: 1, color: paint, alpha: .nan) }
    }
}
