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

    @Test func labelRendersTextInsideItsBackgroundBoxOnly() {
        let background = RGBColor(0, 90, 200)
        var image = RGBImage(width: 160, height: 60, fill: drawingBackground)
        let region = image.drawLabel("cat 0.93", x: 20, y: 30, textColor: .white, background: background, scale: 2)
        let size = RGBImage.textSize("cat 0.93", scale: 2)
        #expect(region == PixelRegion(x: 20, y: 30 - (size.height + 4), width: size.width + 4, height: size.height + 4))
        var textPixels = 0
        for y in 0..<60 {
            for x in 0..<160 {
                let color = image[x, y]
                if region.contains(x: x, y: y) {
                    #expect(color == background || color == .white, "(\(x), \(y)) is \(color)")
                    if color == .white { textPixels += 1 }
                } else {
                    #expect(color == drawingBackground, "(\(x), \(y)) outside the label is \(color)")
                }
            }
        }
        #expect(textPixels > 40)
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
