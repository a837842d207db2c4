import Testing
import VisImage

struct TextDrawingTests {
    @Test func everyPrintableASCIIGlyphExistsAndOnlySpaceIsBlank() {
        var glyphs = Set<[Bool]>()
        for code in BitmapFont.firstCharacter...BitmapFont.lastCharacter {
            var bits: [Bool] = []
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth { bits.append(BitmapFont.isSet(code, column: column, row: row)) }
            }
            let lit = bits.filter { $0 }.count
            if code == UInt8(ascii: " ") { #expect(lit == 0) } else { #expect(lit > 0, "glyph 0x\(String(code, radix: 16)) is blank") }
            glyphs.insert(bits)
        }
        // 95 characters, all with different bitmaps.
        #expect(glyphs.count == 95)
        // Characters outside printable ASCII fall back to '?'.
        #expect(BitmapFont.isSet(0x7F, column: 0, row: 1) == BitmapFont.isSet(UInt8(ascii: "?"), column: 0, row: 1))
        #expect(!BitmapFont.isSet(UInt8(ascii: "A"), column: 5, row: 0))
    }

    @Test func textSizeFollowsTheCellGrid() {
        #expect(RGBImage.textSize("") == (0, 0))
        #expect(RGBImage.textSize("cat") == (17, 8))
        #expect(RGBImage.textSize("cat", scale: 2) == (34, 16))
        #expect(RGBImage.textSize("ab\nlonger") == (35, 17))
    }

    @Test(arguments: [1, 2, 3])
    func textStaysInsideItsMeasuredBox(scale: Int) {
        var image = RGBImage(width: 240, height: 60, fill: drawingBackground)
        let text = "Wg|0.93 {x}"
        image.drawText(text, x: 7, y: 9, color: paint, scale: scale)
        let size = RGBImage.textSize(text, scale: scale)
        let painted = image.positions(of: paint)
        #expect(painted.count > 20 * scale * scale)
        for p in painted {
            #expect(p.x >= 7 && p.x < 7 + size.width && p.y >= 9 && p.y < 9 + size.height, "\(p)")
        }
        // Scale s paints s*s times the pixels of scale 1.
        var single = RGBImage(width: 240, height: 60, fill: drawingBackground)
        single.drawText(text, x: 7, y: 9, color: paint)
        #expect(painted.count == single.positions(of: paint).count * scale * scale)
    }

    @Test(arguments: [1, 2, 3])
    func labelRendersTextInsideItsBackgroundBoxOnly(scale: Int) {
        let background = RGBColor(0, 90, 200)
        let text = "Wg|0.93 {TOP}"
        var image = RGBImage(width: 300, height: 100, fill: drawingBackground)
        let region = image.drawLabel(text, x: 20, y: 70, textColor: .white, background: background, scale: scale)
        let size = RGBImage.textSize(text, scale: scale)
        // 2 font pixels of padding above the text, 1 below and on each side; bottom edge on the anchor.
        let boxHeight = size.height + 3 * scale
        #expect(region == PixelRegion(x: 20, y: 70 - boxHeight, width: size.width + 2 * scale, height: boxHeight))
        var textPixels = Set<PixelPosition>()
        for y in 0..<image.height {
            for x in 0..<image.width {
                let color = image[x, y]
                if region.contains(x: x, y: y) {
                    #expect(color == background || color == .white, "(\(x), \(y)) is \(color)")
                    if color == .white { textPixels.insert(PixelPosition(x, y)) }
                } else {
                    #expect(color == drawingBackground, "(\(x), \(y)) outside the label is \(color)")
                }
            }
        }
        // Every glyph pixel survives: the label's text is exactly the text drawn on its own, moved.
        var alone = RGBImage(width: 300, height: 100, fill: drawingBackground)
        alone.drawText(text, x: 0, y: 0, color: .white, scale: scale)
        let reference = alone.positions(of: .white)
        guard let inked = bounds(of: textPixels), let referenceBounds = bounds(of: reference) else {
            Issue.record("no text drawn")
            return
        }
        let dx = inked.minX - referenceBounds.minX, dy = inked.minY - referenceBounds.minY
        let expected = Set(reference.map { PixelPosition($0.x + dx, $0.y + dy) })
        let lost = expected.subtracting(textPixels), extra = textPixels.subtracting(expected)
        #expect(lost.isEmpty && extra.isEmpty,
                "\(lost.count) glyph pixels lost (rows \(Set(lost.map(\.y)).sorted())), \(extra.count) extra")
        // The inked rows and columns are inside the box with at least one font pixel of background
        // around them (the descender of g reaches the glyph cell's bottom row).
        #expect(inked.minY - region.y >= 2 * scale)
        #expect(region.y + region.height - 1 - inked.maxY >= scale)
        #expect(inked.minX - region.x >= scale)
        #expect(region.x + region.width - 1 - inked.maxX >= scale)
    }

    /// Text without descenders sits vertically centred in its label box.
    @Test(arguments: [1, 2, 3])
    func capitalsAreCentredInTheLabel(scale: Int) throws {
        var image = RGBImage(width: 200, height: 60, fill: drawingBackground)
        let region = image.drawLabel("TOP 42", x: 5, y: 50, background: paint, scale: scale)
        let inked = try #require(bounds(of: image.positions(of: .white)))
        #expect(inked.minY - region.y == region.y + region.height - 1 - inked.maxY)
        #expect(inked.minY - region.y == 2 * scale)
    }

    private func bounds(of pixels: Set<PixelPosition>) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
        guard let minX = pixels.map(\.x).min(), let maxX = pixels.map(\.x).max(),
              let minY = pixels.map(\.y).min(), let maxY = pixels.map(\.y).max() else { return nil }
        return (minX, minY, maxX, maxY)
    }

    @Test func labelMovesBelowTheAnchorAtTheTopAndLeftAtTheRightEdge() {
        var image = RGBImage(width: 80, height: 40, fill: drawingBackground)
        let top = image.drawLabel("dog", x: 3, y: 2, background: paint)
        #expect(top.y == 2 && top.x == 3)
        let right = image.drawLabel("person", x: 78, y: 30, background: paint)
        #expect(right.x + right.width == 80 && right.y + right.height == 30)
        // Labels never crash on out-of-image anchors.
        image.drawLabel("far", x: -1e20, y: .nan, background: paint)
        image.drawText("clip", x: -3, y: 37, color: paint, scale: 4)
    }
}
