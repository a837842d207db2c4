import Foundation
import Testing
import VisTensor
import VisWeights

/// Agreement required with the PyTorch references in `Fixtures/ops/attention_resample.safetensors`:
/// max |actual - expected| / max |expected| ≤ 1e-5 (float32 with different summation orders).
let attentionResampleTolerance: Float = 1e-5

/// max |actual - expected| over max |expected|; infinity when the shapes differ, NaN when either
/// side holds NaN, so that both fail a `<=` check.
func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    guard actual.shape == expected.shape else { return .infinity }
    var difference: Float = 0, scale: Float = 0
    for (a, e) in zip(actual.storage, expected.storage) {
        if a.isNaN || e.isNaN { return .nan }
        difference = max(difference, abs(a - e))
        scale = max(scale, abs(e))
    }
    return scale > 0 ? difference / scale : difference
}

/// The reference file written by `Fixtures/ops/generate_ops_attention_resample.py`.
func attentionResampleFixtures() throws -> SafetensorsFile {
    try SafetensorsFile(path: fixturesDirectory.appendingPathComponent("ops/attention_resample.safetensors").path)
}

/// Checks `actual` against the reference tensor `name`, reporting the error and shapes on failure.
func expectMatches(_ actual: Tensor, _ name: String, in file: SafetensorsFile,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try file.tensor(name)
    let error = relativeError(actual, expected)
    #expect(error <= attentionResampleTolerance,
            "\(name): relative error \(error), shapes \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
}

/// Expects `body` to throw a `TensorError` whose message contains every string in `mentions`
/// (the operation name and the offending shapes).
func expectTensorError(mentioning mentions: [String], sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws(TensorError) -> Void) {
    do {
        try body()
        Issue.record("expected a TensorError mentioning \(mentions)", sourceLocation: sourceLocation)
    } catch {
        let message = error.description
        for text in mentions {
            #expect(message.contains(text), "'\(message)' does not mention '\(text)'", sourceLocation: sourceLocation)
        }
    }
}
