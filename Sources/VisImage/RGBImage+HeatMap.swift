import VisTensor

extension RGBImage {
    /// A viridis rendering of a `[H, W]` float map (rank 3 `[1, H, W]` is accepted too).
    ///
    /// Values are normalised to 0...1 by `range` (or by the map's own minimum and maximum when
    /// `range` is nil; a constant map renders as the low colour) and clamped; NaN counts as low.
    /// - Throws: `ImageOperationError` for a map of another rank, an empty map, or an empty range.
    public init(heatMap map: Tensor, range: ClosedRange<Float>? = nil) throws(ImageOperationError) {
        let (mapWidth, mapHeight) = try Self.heatMapSize(map, op: "heatMap")
        let indices = try Self.colorIndices(map.storage, range: range, op: "heatMap")
        var pixels = [UInt8](repeating: 0, count: mapWidth * mapHeight * 3)
        for (i, index) in indices.enumerated() {
            let color = Viridis.table[index]
            pixels[i * 3] = color.r; pixels[i * 3 + 1] = color.g; pixels[i * 3 + 2] = color.b
        }
        self.init(width: mapWidth, height: mapHeight, pixels: pixels)
    }

    /// Blends a viridis rendering of `map` (see `init(heatMap:range:)`) over this image with
    /// opacity `alpha`: each pixel becomes `round(pixel * (1 - alpha) + viridis(value) * alpha)`.
    /// A map of another size is first resized to the image bilinearly (half-pixel centres) when
    /// `resizeToImage` is true; normalisation uses the resized values.
    /// - Throws: `ImageOperationError` for a bad map or range, or a size mismatch with
    ///   `resizeToImage` false.
    public mutating func overlayHeatMap(_ map: Tensor, range: ClosedRange<Float>? = nil, alpha: Double = 0.5,
                                        resizeToImage: Bool = true) throws(ImageOperationError) {
        let (mapWidth, mapHeight) = try Self.heatMapSize(map, op: "overlayHeatMap")
        guard let a = DrawingCoordinates.opacity(alpha) else {
            throw .invalidArgument(op: "overlayHeatMap", detail: "alpha is NaN")
        }
        var values = map.storage
        if mapWidth != width || mapHeight != height {
            guard resizeToImage else {
                throw .shapeMismatch(op: "overlayHeatMap",
                                     detail: "map \(mapWidth)x\(mapHeight) does not match image \(width)x\(height)")
            }
            guard width > 0, height > 0 else { return }
            values = FloatMapResize.resized(values, width: mapWidth, height: mapHeight, toWidth: width, height: height)
        }
        let indices = try Self.colorIndices(values, range: range, op: "overlayHeatMap")
        for (i, index) in indices.enumerated() {
            blendPixel(i % width, i / width, Viridis.table[index], alpha: a)
        }
    }

    /// Width and height of a `[H, W]` or `[1, H, W]` map.
    private static func heatMapSize(_ map: Tensor, op: String) throws(ImageOperationError) -> (Int, Int) {
        let shape = map.rank == 3 && map.shape[0] == 1 ? Array(map.shape.dropFirst()) : map.shape
        guard shape.count == 2 else {
            throw .shapeMismatch(op: op, detail: "expected a [H, W] or [1, H, W] map, got \(map.shape)")
        }
        guard shape[0] > 0, shape[1] > 0 else {
            throw .invalidSize(op: op, detail: "map \(map.shape) is empty")
        }
        return (shape[1], shape[0])
    }

    /// Viridis table index of each value after normalisation by `range` (or the values' extent).
    private static func colorIndices(_ values: [Float], range: ClosedRange<Float>?,
                                     op: String) throws(ImageOperationError) -> [Int] {
        let low: Float, high: Float
        if let range {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
                throw .invalidArgument(op: op, detail: "range \(range) must be finite and non-empty")
            }
            (low, high) = (range.lowerBound, range.upperBound)
        } else {
            let finite = values.filter(\.isFinite)
            low = finite.min() ?? 0
            high = finite.max() ?? 0
        }
        let span = Double(high) - Double(low)
        return values.map { v in
            span > 0 ? Viridis.index(for: (Double(v) - Double(low)) / span) : 0
        }
    }
}
