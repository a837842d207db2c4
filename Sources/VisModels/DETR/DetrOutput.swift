import VisTensor

/// The raw outputs of a DETR object detector for a batch.
///
/// (Shared with the model's forward pass; defined here so post-processing builds on its own.)
public struct DetrOutput: Sendable {
    /// Class logits `[B, Q, C + 1]`; the last class is "no object".
    public let logits: Tensor
    /// Boxes `[B, Q, 4]` as `(cx, cy, w, h)`, relative to the unpadded image (0…1).
    public let predBoxes: Tensor

    public init(logits: Tensor, predBoxes: Tensor) {
        self.logits = logits
        self.predBoxes = predBoxes
    }
}
