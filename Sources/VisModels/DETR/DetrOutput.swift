import VisTensor

/// The raw predictions of `DetrModel.forward`, as transformers' `DetrObjectDetectionOutput`.
public struct DetrOutput: Sendable {
    /// Class logits `[B, numQueries, numLabels + 1]`; the last class is "no object".
    public let logits: Tensor
    /// Boxes `[B, numQueries, 4]` as (center x, center y, width, height), each in [0, 1] relative to
    /// the image's unpadded size.
    public let predBoxes: Tensor

    public init(logits: Tensor, predBoxes: Tensor) {
        self.logits = logits
        self.predBoxes = predBoxes
    }
}
