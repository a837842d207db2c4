import Testing
import VisImage
import VisModels
@testable import VisPipeline

@Suite struct DrawDetectionsStageTests {
    static let background = RGBColor(30, 30, 30)
    static let box = Detection(score: 0.934, labelID: 3, label: "cat",
                               box: BoundingBox(xmin: 10, ymin: 20, xmax: 50, ymax: 60))

    static func draw(_ values: [String: ParameterValue], detections: [Detection] = [box]) async throws -> RGBImage {
        let image = RGBImage(width: 80, height: 70, fill: background)
        let outputs = try await makeStage(DrawDetectionsStage.self, values)
            .process(["image": .image(ImageValue(image: image, relativePath: "x.png")), "detections": .detections(detections)])
        let value = try #require(outputs["image"]?.imageValue)
        #expect(value.relativePath == "x.png")
        return value.image
    }

    @Test func boxEdgesArePaintedInThePaletteColour() async throws {
        let image = try await Self.draw(["show_labels": .boolean(false), "show_scores": .boolean(false), "thickness": .integer(3)])
        let color = ClassPalette.color(for: 3)
        // Left, right, bottom edges 3 pixels wide, inside the box.
        for y in 20..<60 {
            #expect((10..<13).allSatisfy { image[$0, y] == color })
            #expect((47..<50).allSatisfy { image[$0, y] == color })
            #expect(image[9, y] == Self.background && image[50, y] == Self.background)
        }
        for y in 23..<57 { #expect(image[13, y] == Self.background && image[46, y] == Self.background) }
        #expect((10..<50).allSatisfy { image[$0, 20] == color && image[$0, 19] == Self.background })
        #expect((10..<50).allSatisfy { image[$0, 59] == color && image[$0, 60] == Self.background })
        // The interior is untouched and nothing else changed without labels.
        #expect(image[30, 40] == Self.background)
        let changed = (0..<70).flatMap { y in (0..<80).map { x in image[x, y] != Self.background } }.filter { $0 }.count
        #expect(changed == 40 * 40 - 34 * 34)
    }

    @Test func labelBoxSitsAboveTheBoxWithTextInside() async throws {
        let image = try await Self.draw([:])
        let color = ClassPalette.color(for: 3)
        let stage = try makeStage(DrawDetectionsStage.self)
        #expect(stage.caption(for: Self.box) == "cat 0.93")
        // Scale 1 on a 80x70 image: the label is textSize + padding, its bottom at the box top (y = 20).
        let size = RGBImage.textSize("cat 0.93")
        let labelHeight = size.height + 3, labelWidth = size.width + 2
        let labelPixels = (20 - labelHeight..<20).flatMap { y in (10..<10 + labelWidth).map { image[$0, y] } }
        let textColor = DrawDetectionsStage.textColor(on: color)
        #expect(labelPixels.contains(color))
        #expect(labelPixels.contains(textColor))
        #expect(labelPixels.allSatisfy { $0 == color || $0 == textColor })
        // Just outside the label box nothing was drawn.
        #expect(image[10 + labelWidth, 15] == Self.background)
        #expect(image[9, 15] == Self.background)
    }

    @Test func captionsFollowTheParameters() throws {
        let labelsOnly = try makeStage(DrawDetectionsStage.self, ["show_scores": .boolean(false)])
        let scoresOnly = try makeStage(DrawDetectionsStage.self, ["show_labels": .boolean(false)])
        let neither = try makeStage(DrawDetectionsStage.self, ["show_labels": .boolean(false), "show_scores": .boolean(false)])
        #expect(labelsOnly.caption(for: Self.box) == "cat")
        #expect(scoresOnly.caption(for: Self.box) == "0.93")
        #expect(neither.caption(for: Self.box) == nil)
        #expect(DrawDetectionsStage.formatScore(0.125) == "0.13")  // exactly representable: half rounds up
        #expect(DrawDetectionsStage.formatScore(0.996) == "1.00")
        #expect(DrawDetectionsStage.formatScore(1) == "1.00")
        #expect(DrawDetectionsStage.formatScore(0.07) == "0.07")
    }

    @Test func fontScaleIsAutomaticOrFixed() throws {
        let automatic = try makeStage(DrawDetectionsStage.self)
        #expect(automatic.effectiveFontScale(width: 80, height: 70) == 1)
        #expect(automatic.effectiveFontScale(width: 1600, height: 1200) == 2)
        let fixed = try makeStage(DrawDetectionsStage.self, ["font_scale": .integer(3)])
        #expect(fixed.effectiveFontScale(width: 80, height: 70) == 3)
    }

    @Test func differentLabelsGetDifferentColours() async throws {
        var other = Self.box
        other.labelID = 4
        other.box = BoundingBox(xmin: 60, ymin: 40, xmax: 75, ymax: 65)
        let image = try await Self.draw(["show_labels": .boolean(false), "show_scores": .boolean(false)],
                                        detections: [Self.box, other])
        #expect(image[10, 40] == ClassPalette.color(for: 3))
        #expect(image[60, 50] == ClassPalette.color(for: 4))
        #expect(ClassPalette.color(for: 3) != ClassPalette.color(for: 4))
    }

    @Test func noDetectionsLeavesTheImageUnchanged() async throws {
        #expect(try await Self.draw([:], detections: []) == RGBImage(width: 80, height: 70, fill: Self.background))
    }
}
