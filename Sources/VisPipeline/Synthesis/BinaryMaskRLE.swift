/// COCO uncompressed run-length encoding of a binary mask: runs over the pixels in column-major
/// order (down each column, then the next column), alternating background and foreground and
/// starting with background (a mask whose first pixel is set starts with a 0-length run).
public enum BinaryMaskRLE {
    /// Encodes a row-major `width`×`height` mask.
    public static func encode(_ mask: [Bool], width: Int, height: Int) -> [Int] {
        var counts: [Int] = []
        var current = false
        var run = 0
        for x in 0..<width {
            for y in 0..<height {
                let value = mask[y * width + x]
                if value != current {
                    counts.append(run)
                    run = 0
                    current = value
                }
                run += 1
            }
        }
        counts.append(run)
        return counts
    }

    /// Decodes counts back to a row-major mask; nil when the counts do not sum to `width*height`.
    public static func decode(_ counts: [Int], width: Int, height: Int) -> [Bool]? {
        guard counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == width * height else { return nil }
        var mask = [Bool](repeating: false, count: width * height)
        var position = 0
        for (index, count) in counts.enumerated() {
            if index % 2 == 1 {
                for p in position..<(position + count) {
                    let x = p / height, y = p % height
                    mask[y * width + x] = true
                }
            }
            position += count
        }
        return mask
    }
}
