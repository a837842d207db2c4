/// Lays out and renders one ShapesWorld scene from a seeded generator. Objects are painted in
/// order into an ownership map (later objects cover earlier ones), objects whose visible area is
/// under the minimum are removed (their pixels show the background, so every visible shape is
/// annotated), and the image is rendered from the map, then lit.
public enum ShapesSceneGenerator {
    /// Scene `index` of the run seeded with `seed`, with sides in `minSize...maxSize`.
    public static func scene(seed: UInt64, index: Int, minSize: Int, maxSize: Int,
                             minVisibleArea: Int = 40) -> ShapesScene {
        var rng = SplitMix64.stream(seed: seed, index: index)
        let width = rng.int(in: minSize...maxSize)
        let height = rng.int(in: minSize...maxSize)
        let background = BackgroundTexture.allCases[rng.int(in: 0...(BackgroundTexture.allCases.count - 1))]
        let backgroundPixels = background.render(width: width, height: height, rng: &rng)

        let side = min(width, height)
        let count = rng.int(in: 2...6)
        var drawn: [(PlacedShape, ShapeColour)] = []
        var owner = [Int](repeating: -1, count: width * height)
        for i in 0..<count {
            let radius = rng.int(in: max(4, side / 12)...max(5, side / 4))
            let shape = PlacedShape(
                kind: ShapeKind.allCases[rng.int(in: 0...(ShapeKind.allCases.count - 1))],
                centerX: rng.int(in: 0...(width - 1)), centerY: rng.int(in: 0...(height - 1)),
                radius: radius, rotationDegrees: rng.int(in: 0...359))
            let colour = ShapeColour.allCases[rng.int(in: 0...(ShapeColour.allCases.count - 1))]
            drawn.append((shape, colour))
            ShapeRasterizer.forEachCoveredPixel(of: shape, width: width, height: height) { x, y in
                owner[y * width + x] = i
            }
        }

        var areas = [Int](repeating: 0, count: count)
        for o in owner where o >= 0 { areas[o] += 1 }
        for p in 0..<owner.count where owner[p] >= 0 && areas[owner[p]] < minVisibleArea { owner[p] = -1 }

        var objects: [SceneObject] = []
        for i in 0..<count where areas[i] >= minVisibleArea {
            var mask = [Bool](repeating: false, count: width * height)
            var minX = width, minY = height, maxX = -1, maxY = -1
            for y in 0..<height {
                for x in 0..<width where owner[y * width + x] == i {
                    mask[y * width + x] = true
                    minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                }
            }
            objects.append(SceneObject(shape: drawn[i].0, colour: drawn[i].1, zOrder: i, mask: mask,
                                       bbox: (minX, minY, maxX - minX + 1, maxY - minY + 1), area: areas[i]))
        }

        let brightness = rng.int(in: -30...30)
        let contrast = rng.int(in: 75...125)
        var pixels = backgroundPixels
        for p in 0..<owner.count {
            if owner[p] >= 0 {
                let rgb = drawn[owner[p]].1.rgb
                // Small per-pixel noise so shapes are not perfectly flat (models should not key on exact values).
                let jitter = rng.int(in: -8...8)
                pixels[3 * p] = clampByte(rgb.r + jitter)
                pixels[3 * p + 1] = clampByte(rgb.g + jitter)
                pixels[3 * p + 2] = clampByte(rgb.b + jitter)
            }
            for c in 0..<3 {
                pixels[3 * p + c] = clampByte((Int(pixels[3 * p + c]) - 128) * contrast / 100 + 128 + brightness)
            }
        }
        return ShapesScene(width: width, height: height, pixels: pixels, objects: objects,
                           background: background, brightness: brightness, contrastPercent: contrast)
    }
}
