import Foundation
import Testing
import VisTensor
import VisWeights

/// Agreement required with the PyTorch references in `Fixtures/ops/attention_resample.safetensors`:
/// max |actual - expected| / max |expected| ≤ 1e-5 (float32 with different summation orders).
let attentionResampleTolerance: Float = 1e-5

/// The reference file written by `Fixtures/ops/generate_ops_attention_resample.py`.
func attentionResampleFixtures() throws -> SafetensorsFile {
    try SafetensorsFile(path: fixturesDirectory.appendingPathComponent("ops/attention_resample.safetensors").path)
}

/// Checks `actual` against the reference tensor `name`, reporting the error and shapes on failure.
func expectMatches(_ actual: Tensor, _ name: String, in file: SafetensorsFile,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try file.tensor(name)
    let error = maxRelativeError(actual, expected)
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
