import Testing
import VisImage
import VisTensor
@testable import VisPipeline

@Suite struct DrawMaskStageTests {
    static let base = RGBImage(width: 8, height: 6, fill: RGBColor(100, 100, 100))

    static func draw(_ mask: MaskValue, _ values: [String: ParameterValue] = [:]) async throws -> RGBImage {
        let outputs = try await makeStage(DrawMaskStage.self, values)
            .process(["image": .image(ImageValue(image: base, relativePath: "m.png")), "mask": .mask(mask)])
        let value = try #require(outputs["image"]?.imageValue)
        #expect(value.relativePath == "m.png")
        return value.image
    }

    @Test func binaryMaskBlendsTheColourWhereSet() async throws {
        // Left half set (same size as the image).
        let values = (0..<6).flatMap { _ in (0..<8).map { x in x < 4 ? Float(1) : 0 } }
        let image = try await Self.draw(MaskValue(kind: .binary, width: 8, height: 6, values: values))
        // 100 * 0.5 + 255 * 0.5 = 177.5 -> 178 on red; 50 on green and blue.
        #expect(image[0, 0] == RGBColor(178, 50, 50))
        #expect(image[3, 5] == RGBColor(178, 50, 50))
        #expect(image[4, 0] == RGBColor(100, 100, 100))
        #expect(image[7, 5] == RGBColor(100, 100, 100))
    }

    @Test func colourAndAlphaParameters() async throws {
        let mask = MaskValue(kind: .binary, width: 2, height: 1, values: [0.2, 0.6])
        let image = try await Self.draw(mask, ["color": .string("#00FF00"), "alpha": .number(1)])
        // A 2x1 mask stretched over 8x6: right half (value 0.6 >= 0.5) painted solid green.
        #expect(image[7, 3] == RGBColor(0, 255, 0))
        #expect(image[0, 3] == RGBColor(100, 100, 100))
        let unchanged = try await Self.draw(mask, ["alpha": .number(0)])
        #expect(unchanged == Self.base)
    }

    @Test func heatMapUsesViridis() async throws {
        let values = (0..<6).flatMap { y in (0..<8).map { x in Float(x + y) } }
        let mask = MaskValue(kind: .heatMap, width: 8, height: 6, values: values)
        let image = try await Self.draw(mask, ["alpha": .number(0.75)])
        var expected = Self.base
        try expected.overlayHeatMap(Tensor(shape: [6, 8], data: values), alpha: 0.75)
        #expect(image == expected)
        #expect(image != Self.base)
        // Low and high ends differ (viridis runs from purple to yellow).
        #expect(image[0, 0] != image[7, 5])
        #expect(image[7, 5].g > image[0, 0].g)
    }

    @Test func malformedColourIsRefused() {
        #expect(throws: BuiltinStageError.self) { _ = try makeStage(DrawMaskStage.self, ["color": .string("#12345")]) }
        #expect(throws: BuiltinStageError.self) { _ = try makeStage(DrawMaskStage.self, ["alpha": .number(1.5)]) }
    }

    @Test func emptyMaskIsAnError() async throws {
        await #expect {
            _ = try await Self.draw(MaskValue(kind: .binary, width: 0, height: 0, values: []))
        } throws: { error in
            "\(error)".contains("input 'mask'")
        }
    }
}
