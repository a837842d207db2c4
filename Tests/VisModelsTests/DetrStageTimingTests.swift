import Testing
import VisTensor
@testable import VisModels

/// The optional per-stage timing of `DetrModel.forward`.
@Suite struct DetrStageTimingTests {
    @Test func timedForwardGivesTheSameOutputAndFillsEveryStage() throws {
        let model = try DetrModel.load(directory: DetrFixtures.modelPath("timm_basic"))
        let expected = try DetrFixtures.expected("timm_basic")
        let pixels = try expected.tensor("pixel_values"), mask = try expected.tensor("pixel_mask")
        let plain = try model.forward(pixelValues: pixels, pixelMask: mask)
        var timings: DetrStageTimings? = DetrStageTimings()
        let timed = try model.forward(pixelValues: pixels, pixelMask: mask, timings: &timings)
        #expect(timed.logits == plain.logits && timed.predBoxes == plain.predBoxes)
        let stages = try #require(timings).stages
        #expect(stages.map(\.name) == ["backbone", "input_projection", "encoder", "decoder", "heads"])
        #expect(stages.allSatisfy { $0.seconds > 0 }, "\(stages)")

        var off: DetrStageTimings? = nil
        _ = try model.forward(pixelValues: pixels, pixelMask: mask, timings: &off)
        #expect(off == nil)
    }
}
