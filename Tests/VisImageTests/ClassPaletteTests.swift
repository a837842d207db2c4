import Testing
import VisImage

struct ClassPaletteTests {
    @Test func colorsAreDistinctAndStable() {
        let colors = ClassPalette.colors
        #expect(colors.count == ClassPalette.count)
        // Every pair differs clearly (sum of absolute channel differences).
        for i in colors.indices {
            for j in colors.indices where j > i {
                let a = colors[i], b = colors[j]
                let distance = abs(Int(a.r) - Int(b.r)) + abs(Int(a.g) - Int(b.g)) + abs(Int(a.b) - Int(b.b))
                #expect(distance >= 40, "colours \(i) and \(j) are too close: \(a) \(b)")
            }
        }
        #expect(ClassPalette.color(for: 3) == colors[3])
        #expect(ClassPalette.color(for: 3 + ClassPalette.count) == colors[3])
        #expect(ClassPalette.color(for: -1) == colors[ClassPalette.count - 1])
    }
}
