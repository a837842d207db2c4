import Testing
import VisImage

struct ViridisTests {
    /// matplotlib's published viridis: #440154 at 0, #21918c at 0.5 (entry 128), #fde725 at 1.
    @Test func matchesPublishedEndpointsAndMidpoint() {
        #expect(Viridis.table.count == 256)
        #expect(Viridis.color(at: 0) == RGBColor(0x44, 0x01, 0x54))
        #expect(Viridis.table[128] == RGBColor(0x21, 0x91, 0x8c))
        #expect(Viridis.color(at: 1) == RGBColor(0xfd, 0xe7, 0x25))
        // Entry 64 of matplotlib's table is (0.229739, 0.322361, 0.545706) -> #3b528b.
        #expect(Viridis.table[64] == RGBColor(0x3b, 0x52, 0x8b))
    }

    @Test func isSmoothAndBrightensMonotonically() {
        func luma(_ c: RGBColor) -> Double { 0.2126 * Double(c.r) + 0.7152 * Double(c.g) + 0.0722 * Double(c.b) }
        for (a, b) in zip(Viridis.table, Viridis.table.dropFirst()) {
            #expect(abs(Int(a.r) - Int(b.r)) <= 4 && abs(Int(a.g) - Int(b.g)) <= 4 && abs(Int(a.b) - Int(b.b)) <= 4)
            #expect(luma(b) >= luma(a) - 0.5)
        }
    }

    @Test func clampsOutOfRangeAndNaN() {
        #expect(Viridis.color(at: -3) == Viridis.table[0])
        #expect(Viridis.color(at: 7) == Viridis.table[255])
        #expect(Viridis.color(at: .nan) == Viridis.table[0])
        #expect(Viridis.color(at: 0.5) == Viridis.table[128])
    }
}
