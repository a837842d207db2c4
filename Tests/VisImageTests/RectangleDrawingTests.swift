import Testing
import VisImage

struct RectangleDrawingTests {
    /// Expected outline pixels of box columns x0..<x1, rows y0..<y1 with inward thickness t.
    static func outline(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, thickness t: Int) -> Set<PixelPosition> {
        var result = Set<PixelPosition>()
        for y in y0..<y1 {
            for x in x0..<x1 where x < x0 + t || x >= x1 - t || y < y0 + t || y >= y1 - t {
                result.insert(PixelPosition(x, y))
            }
        }
        return result
    }

    @Test(arguments: [1, 2, 3])
    func outlineCoversExactlyTheBorderBand(thickness: Int) {
        var image = RGBImage(width: 40, height: 30, fill: drawingBackground)
        image.drawRectangle(left: 10, top: 5, right: 30, bottom: 20, color: paint, thickness: thickness)
        #expect(image.positions(differentFrom: drawingBackground) == Self.outline(10, 5, 30, 20, thickness: thickness))
        // Spot checks: an inside pixel just past the band stays, the outer corner is painted.
        #expect(image[10 + thickness, 5 + thickness] == drawingBackground)
        #expect(image[29, 19] == paint)
        #expect(image[30, 20] == drawingBackground)
    }

    @Test func fractionalEdgesRoundToNearestBoundary() {
        var image = RGBImage(width: 20, height: 20, fill: drawingBackground)
        image.drawRectangle(left: 2.4, top: 3.6, right: 11.5, bottom: 9.49, color: paint, thickness: 1)
        // 2.4 -> 2, 3.6 -> 4, 11.5 -> 12, 9.49 -> 9.
        #expect(image.positions(of: paint) == Self.outline(2, 4, 12, 9, thickness: 1))
    }

    @Test func thickOutlineFillsSmallBox() {
        var image = RGBImage(width: 10, height: 10, fill: drawingBackground)
        image.drawRectangle(left: 2, top: 2, right: 5, bottom: 6, color: paint, thickness: 4)
        #expect(image.positions(of: paint) == Self.outline(2, 2, 5, 6, thickness: 4))
        #expect(image.positions(of: paint).count == 12)
    }

    @Test func boxesOutsideTheImageAreClipped() {
        var image = RGBImage(width: 16, height: 12, fill: drawingBackground)
        // Partly outside: only the visible part of the band is painted.
        image.drawRectangle(left: -5, top: -3, right: 8, bottom: 6, color: paint, thickness: 2)
        let expected = Self.outline(-5, -3, 8, 6, thickness: 2).filter { $0.x >= 0 && $0.y >= 0 }
        #expect(image.positions(of: paint) == expected)

        // Wholly outside, inverted corners, huge and non-finite values: no crash, nothing drawn.
        var untouched = RGBImage(width: 16, height: 12, fill: drawingBackground)
        untouched.drawRectangle(left: 100, top: 100, right: 200, bottom: 150, color: paint)
        untouched.drawRectangle(left: -50, top: -40, right: -1, bottom: -2, color: paint)
        untouched.drawRectangle(left: .nan, top: 0, right: 5, bottom: 5, color: paint)
        untouched.fillRectangle(left: 0, top: .infinity, right: 5, bottom: 5, color: paint)
        #expect(untouched == RGBImage(width: 16, height: 12, fill: drawingBackground))

        // A box far larger than the image has its outline outside: nothing is painted. A box equal
        // to the image has its outline on the image border.
        var big = RGBImage(width: 16, height: 12, fill: drawingBackground)
        big.drawRectangle(left: -1e12, top: -1e12, right: 1e12, bottom: 1e12, color: paint, thickness: 3)
        #expect(big == RGBImage(width: 16, height: 12, fill: drawingBackground))
        big.drawRectangle(left: 0, top: 0, right: 16, bottom: 12, color: paint, thickness: 1)
        #expect(big.positions(of: paint) == Self.outline(0, 0, 16, 12, thickness: 1))
    }

    @Test func translucentFillBlendsWithTheDocumentedFormula() {
        var image = RGBImage(width: 8, height: 8, fill: RGBColor(100, 0, 255))
        image.fillRectangle(left: 2, top: 2, right: 6, bottom: 5, color: RGBColor(200, 255, 0), alpha: 0.25)
        // round(100 * 0.75 + 200 * 0.25) = 125, round(0 * 0.75 + 255 * 0.25) = round(63.75) = 64,
        // round(255 * 0.75 + 0) = round(191.25) = 191.
        let blended = RGBColor(125, 64, 191)
        var expected = Set<PixelPosition>()
        for y in 2..<5 { for x in 2..<6 { expected.insert(PixelPosition(x, y)) } }
        #expect(image.positions(of: blended) == expected)
        #expect(image.positions(of: RGBColor(100, 0, 255)).count == 64 - expected.count)

        #expect(RGBColor(255, 255, 255).blended(over: RGBColor(0, 0, 0), alpha: 0.5) == RGBColor(128, 128, 128))
        #expect(RGBColor(9, 9, 9).blended(over: RGBColor(1, 2, 3), alpha: 0) == RGBColor(1, 2, 3))
        #expect(RGBColor(9, 9, 9).blended(over: RGBColor(1, 2, 3), alpha: 1) == RGBColor(9, 9, 9))
    }
}
