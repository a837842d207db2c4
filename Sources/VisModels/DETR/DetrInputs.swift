import VisTensor

/// A preprocessed batch, ready for a DETR model.
public struct DetrInputs: Sendable {
    /// Normalised images `[B, 3, H, W]`, zero-padded at the bottom and right to a common size.
    public var pixelValues: Tensor
    /// `[B, H, W]`: 1 on real pixels, 0 on padding.
    public var pixelMask: Tensor
    /// Each image's size before resizing, for scaling boxes back (`DetrPostProcessor`).
    public var originalSizes: [(height: Int, width: Int)]

    public init(pixelValues: Tensor, pixelMask: Tensor, originalSizes: [(height: Int, width: Int)]) {
        self.pixelValues = pixelValues
        self.pixelMask = pixelMask
        self.originalSizes = originalSizes
    }
}
