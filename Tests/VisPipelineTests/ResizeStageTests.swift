import Testing
import VisImage
@testable import VisPipeline

@Suite struct ResizeStageTests {
    static func resize(_ image: RGBImage, _ values: [String: ParameterValue]) async throws -> RGBImage {
        let stage = try makeStage(ResizeStage.self, values)
        let outputs = try await stage.process(["image": .image(ImageValue(image: image, relativePath: "a/b.png"))])
        let value = try #require(outputs["image"]?.imageValue)
        #expect(value.relativePath == "a/b.png")
        return value.image
    }

    @Test func fitKeepsTheAspectRatioWithinTheBounds() async throws {
        let image = gradientImage(width: 40, height: 20)
        let shrunk = try await Self.resize(image, ["width": .integer(16), "height": .integer(16)])
        #expect(shrunk.width == 16 && shrunk.height == 8)
        let tall = try await Self.resize(image, ["width": .integer(100), "height": .integer(10)])
        #expect(tall.width == 20 && tall.height == 10)
        // Small images are enlarged to touch the bounds.
        let grown = try await Self.resize(image, ["width": .integer(80), "height": .integer(80)])
        #expect(grown.width == 80 && grown.height == 40)
        #expect(grown == (try image.resized(width: 80, height: 40, filter: .bilinear)))
    }

    @Test func fittedSizeRoundsHalfUpAndNeverReachesZero() {
        // 30 * 16 / 45 = 10.67 -> 11; 45 * 7 / 30 = 10.5 -> 11.
        #expect(ResizeStage.fittedSize(width: 45, height: 30, boundWidth: 16, boundHeight: 100) == (16, 11))
        #expect(ResizeStage.fittedSize(width: 45, height: 30, boundWidth: 100, boundHeight: 7) == (11, 7))
        #expect(ResizeStage.fittedSize(width: 1000, height: 1, boundWidth: 10, boundHeight: 10) == (10, 1))
        #expect(ResizeStage.fittedSize(width: 4, height: 2, boundWidth: 8, boundHeight: 4) == (8, 4))
    }

    @Test func exactStretchesWithTheChosenFilter() async throws {
        let image = gradientImage(width: 12, height: 9)
        let nearest = try await Self.resize(image, ["mode": .string("exact"), "width": .integer(5), "height": .integer(20),
                                                    "filter": .string("nearest")])
        #expect(nearest == (try image.resized(width: 5, height: 20, filter: .nearest)))
        let bilinear = try await Self.resize(image, ["mode": .string("exact"), "width": .integer(5), "height": .integer(20)])
        #expect(bilinear == (try image.resized(width: 5, height: 20, filter: .bilinear)))
        #expect(nearest != bilinear)
    }

    @Test func letterboxCentresTheFittedImageOnGrey114() async throws {
        let image = gradientImage(width: 20, height: 10)
        let boxed = try await Self.resize(image, ["mode": .string("letterbox"), "width": .integer(16), "height": .integer(16)])
        #expect(boxed.width == 16 && boxed.height == 16)
        let fitted = try image.resized(width: 16, height: 8, filter: .bilinear)
        // 8 rows of padding split 4 above, 4 below.
        let grey = RGBColor(114, 114, 114)
        for x in 0..<16 {
            for y in 0..<4 { #expect(boxed[x, y] == grey) }
            for y in 12..<16 { #expect(boxed[x, y] == grey) }
            for y in 4..<12 { #expect(boxed[x, y] == fitted[x, y - 4]) }
        }
    }

    @Test func letterboxPutsTheOddPixelAfterTheImageAndHonoursPadColor() async throws {
        let image = RGBImage(width: 4, height: 10, fill: RGBColor(1, 2, 3))
        // Fits to 3x7 (4 * 7 / 10 = 2.8 -> 3); the 5 spare columns split 2 left, 3 right.
        let boxed = try await Self.resize(image, ["mode": .string("letterbox"), "width": .integer(8), "height": .integer(7),
                                                  "filter": .string("nearest"), "pad_color": .string("#0A0b0C")])
        let pad = RGBColor(10, 11, 12)
        #expect(boxed.width == 8 && boxed.height == 7)
        for y in 0..<7 {
            #expect((0..<8).map { boxed[$0, y] == pad } == [true, true, false, false, false, true, true, true])
            #expect(boxed[2, y] == RGBColor(1, 2, 3))
        }
    }

    @Test func malformedPadColorIsRefused() {
        #expect {
            _ = try makeStage(ResizeStage.self, ["width": .integer(8), "height": .integer(8), "pad_color": .string("grey")])
        } throws: { error in
            "\(error)" == "parameter 'pad_color' is \"grey\"; expected a colour \"#rrggbb\""
        }
    }

    @Test func widthAndHeightAreRequiredAndRangeChecked() {
        #expect(throws: BuiltinStageError.self) { _ = try makeStage(ResizeStage.self, ["width": .integer(8)]) }
        #expect {
            _ = try makeStage(ResizeStage.self, ["width": .integer(0), "height": .integer(8)])
        } throws: { error in
            "\(error)" == "parameter 'width' is 0; expected an integer in 1...16384"
        }
    }
}
