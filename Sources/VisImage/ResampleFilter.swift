/// Interpolation used by `RGBImage.resized(width:height:filter:)`. Both reproduce Pillow 12's
/// `Image.resize` for RGB images, so a model's preprocessing matches its Python reference.
public enum ResampleFilter: Sendable, Equatable, CaseIterable {
    /// Pillow's `Image.NEAREST`: each output pixel copies the source pixel under its centre.
    case nearest
    /// Pillow's `Image.BILINEAR`: a triangle filter, widened when downscaling so that every source
    /// pixel contributes (antialiasing), evaluated separably in 8-bit fixed point.
    case bilinear
}
