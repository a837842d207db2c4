import Testing
import VisImage

struct LineDrawingTests {
    @Test func endpointsAndMidpointArePaintedInEveryDirection() {
        let segments: [(Double, Double, Double, Double)] = [
            // Endpoints and midpoints at pixel centres.
            (5.5, 5.5, 41.5, 21.5), (41.5, 21.5, 5.5, 5.5), (3.5, 30.5, 3.5, 2.5),
            (2.5, 2.5, 46.5, 2.5), (10.5, 28.5, 30.5, 8.5), (44.5, 1.5, 2.5, 27.5),
        ]
        for (x0, y0, x1, y1) in segments {
            var image = RGBImage(width: 48, height: 32, fill: drawingBackground)
            image.drawLine(x0: x0, y0: y0, x1: x1, y1: y1, color: paint)
            #expect(image[Int(x0), Int(y0)] == paint, "start of \((x0, y0, x1, y1))")
            #expect(image[Int(x1), Int(y1)] == paint, "end of \((x0, y0, x1, y1))")
            #expect(image[Int((x0 + x1) / 2), Int((y0 + y1) / 2)] == paint, "middle of \((x0, y0, x1, y1))")
        }
    }

    @Test func thinLineIsConnectedAndThin() {
        var image = RGBImage(width: 64, height: 40, fill: drawingBackground)
        image.drawLine(x0: 2.5, y0: 3.5, x1: 60.5, y1: 30.5, color: paint)
        // A shallow line has between 1 and 2 painted pixels in every column it spans, and none beyond.
        for x in 0..<64 {
            let count = (0..<40).filter { image[x, $0] == paint }.count
            if (2...60).contains(x) { #expect((1...2).contains(count), "column \(x) has \(count)") }
            else { #expect(count == 0, "column \(x) has \(count)") }
        }
    }

    @Test func thicknessWidensTheLine() {
        var image = RGBImage(width: 40, height: 40, fill: drawingBackground)
        image.drawLine(x0: 5.5, y0: 20.5, x1: 35.5, y1: 20.5, color: paint, thickness: 5)
        // Horizontal line through the centres of row 20 with half-width 2.5: rows 18...22.
        #expect(Set((0..<40).filter { image[20, $0] == paint }) == Set(18...22))
        // Round caps: pixel 37 (centre 2 past the end) is covered, pixel 38 (3 past) is not.
        #expect(image[37, 20] == paint)
        #expect(image[38, 20] == drawingBackground)
        #expect(image[3, 20] == paint && image[2, 20] == drawingBackground)
        // On a pixel boundary, centres exactly at the half-width count as inside: thickness 4 along
        // y = 20 covers rows 18...21.
        var boundary = RGBImage(width: 40, height: 40, fill: drawingBackground)
        boundary.drawLine(x0: 5, y0: 20, x1: 35, y1: 20, color: paint, thickness: 4)
        #expect(Set((0..<40).filter { boundary[20, $0] == paint }) == Set(18...21))
    }

    @Test func outOfBoundsLinesAreClipped() {
        var image = RGBImage(width: 20, height: 20, fill: drawingBackground)
        image.drawLine(x0: -100, y0: -100, x1: 120, y1: 120, color: paint, thickness: 1)
        #expect(image[0, 0] == paint && image[10, 10] == paint && image[19, 19] == paint)
        var untouched = RGBImage(width: 20, height: 20, fill: drawingBackground)
        untouched.drawLine(x0: -10, y0: -5, x1: -1, y1: 30, color: paint, thickness: 1)
        untouched.drawLine(x0: .nan, y0: 0, x1: 5, y1: 5, color: paint)
        untouched.drawLine(x0: 0, y0: 0, x1: .infinity, y1: 5, color: paint)
        #expect(untouched == RGBImage(width: 20, height: 20, fill: drawingBackground))
    }
}
