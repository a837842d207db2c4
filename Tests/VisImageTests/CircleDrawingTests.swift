import Testing
import VisImage

struct CircleDrawingTests {
    static func distance(_ p: PixelPosition, _ cx: Double, _ cy: Double) -> Double {
        let dx = Double(p.x) + 0.5 - cx, dy = Double(p.y) + 0.5 - cy
        return (dx * dx + dy * dy).squareRoot()
    }

    @Test func outlineLiesAtTheRadius() {
        var image = RGBImage(width: 50, height: 50, fill: drawingBackground)
        image.drawCircle(centerX: 25.5, centerY: 24.5, radius: 10, color: paint, thickness: 1)
        let painted = image.positions(of: paint)
        #expect(!painted.isEmpty)
        for p in painted { #expect(abs(Self.distance(p, 25.5, 24.5) - 10) <= 0.5, "\(p)") }
        // Pixels exactly at distance r on the axes are painted; the centre is not.
        for p in [PixelPosition(35, 24), PixelPosition(15, 24), PixelPosition(25, 34), PixelPosition(25, 14)] {
            #expect(image[p.x, p.y] == paint, "\(p)")
        }
        #expect(image[25, 24] == drawingBackground)
        #expect(image[37, 24] == drawingBackground)
    }

    @Test func filledCircleCoversTheDisc() {
        var image = RGBImage(width: 30, height: 30, fill: drawingBackground)
        image.fillCircle(centerX: 15, centerY: 15, radius: 6, color: paint)
        let painted = image.positions(of: paint)
        var expected = Set<PixelPosition>()
        for y in 0..<30 { for x in 0..<30 where Self.distance(PixelPosition(x, y), 15, 15) <= 6 { expected.insert(PixelPosition(x, y)) } }
        #expect(painted == expected)
        #expect(painted.contains(PixelPosition(14, 14)) && painted.contains(PixelPosition(15, 15)))
        // Area close to pi r^2.
        #expect(abs(Double(painted.count) - Double.pi * 36) < 12)
    }

    @Test func translucentFillAndClipping() {
        var image = RGBImage(width: 20, height: 20, fill: RGBColor(0, 0, 0))
        image.fillCircle(centerX: 0, centerY: 0, radius: 8, color: RGBColor(200, 100, 50), alpha: 0.5)
        #expect(image[0, 0] == RGBColor(100, 50, 25))
        #expect(image[19, 19] == RGBColor(0, 0, 0))
        image.drawCircle(centerX: -1e15, centerY: 3, radius: 4, color: paint)
        image.drawCircle(centerX: 5, centerY: 5, radius: .nan, color: paint)
        image.drawCircle(centerX: 5, centerY: 5, radius: -3, color: paint)
        #expect(image.positions(of: paint).isEmpty)
    }
}
