extension RGBImage {
    /// Tints the pixels selected by a boolean mask: each selected pixel becomes
    /// `round(pixel * (1 - alpha) + color * alpha)`; others are unchanged.
    ///
    /// The mask is `maskWidth * maskHeight` values, row-major. A mask of another size than the image
    /// is stretched over it with nearest-neighbour sampling (the mask cell under each pixel centre),
    /// so a low-resolution segmentation mask can be drawn directly.
    /// - Throws: `ImageOperationError.shapeMismatch` when `mask.count != maskWidth * maskHeight`,
    ///   `.invalidSize` for an empty mask, `.invalidArgument` for a NaN alpha.
    public mutating func overlayMask(_ mask: [Bool], maskWidth: Int, maskHeight: Int,
                                     color: RGBColor, alpha: Double = 0.5) throws(ImageOperationError) {
        guard maskWidth > 0, maskHeight > 0 else {
            throw .invalidSize(op: "overlayMask", detail: "mask \(maskWidth)x\(maskHeight) is empty")
        }
        guard mask.count == maskWidth * maskHeight else {
            throw .shapeMismatch(op: "overlayMask",
                                 detail: "\(mask.count) mask values do not fill \(maskWidth)x\(maskHeight)")
        }
        guard let a = DrawingCoordinates.opacity(alpha) else {
            throw .invalidArgument(op: "overlayMask", detail: "alpha is NaN")
        }
        guard width > 0, height > 0, a > 0 else { return }
        let columns = (0..<width).map { x in min((2 * x + 1) * maskWidth / (2 * width), maskWidth - 1) }
        for y in 0..<height {
            let maskRow = min((2 * y + 1) * maskHeight / (2 * height), maskHeight - 1) * maskWidth
            for x in 0..<width where mask[maskRow + columns[x]] {
                paintPixel(x, y, color, alpha: a)
            }
        }
    }
}
