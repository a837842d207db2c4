import VisTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DETR's 2-D sine position embedding, as transformers' `DetrSinePositionEmbedding(d_model / 2,
/// normalize: true)` computes it from the feature-level pixel mask, in float32 and in the same
/// order of operations:
/// - `y = cumsum(mask, rows)`, `x = cumsum(mask, columns)`;
/// - `y = y / (y[last row] + 1e-6) · 2π` (likewise `x` with the last column);
/// - `dim_t[i] = 10000^(2·floor(i/2) / F)` for `F = d_model / 2` features per axis;
/// - feature `i` of an axis is `sin(v / dim_t[i])` for even `i`, `cos(v / dim_t[i])` for odd `i`;
/// - the `y` features come first, then the `x` features.
enum DetrSinePositionEmbedding {
    /// The embedding of every feature position as tokens `[B, H·W, dModel]` (row-major positions).
    /// - Parameter mask: `[B, H, W]`, non-zero on real (unpadded) positions.
    static func tokens(mask: Tensor, dModel: Int) -> Tensor {
        let (batch, height, width) = (mask.shape[0], mask.shape[1], mask.shape[2])
        let features = dModel / 2
        let scale = Float(2 * Double.pi)
        let eps: Float = 1e-6
        let inverseFrequency = (0..<features).map { i in powf(10_000, Float(2 * (i / 2)) / Float(features)) }
        let real = mask.storage.map { $0 != 0 ? Float(1) : 0 }
        return Tensor(shape: [batch, height * width, dModel]) { out in
            var yEmbed = [Float](repeating: 0, count: height * width)
            var xEmbed = yEmbed
            for b in 0..<batch {
                let plane = b * height * width
                // Cumulative sums down the columns and along the rows.
                for i in 0..<height {
                    for j in 0..<width {
                        let m = real[plane + i * width + j]
                        yEmbed[i * width + j] = (i == 0 ? 0 : yEmbed[(i - 1) * width + j]) + m
                        xEmbed[i * width + j] = (j == 0 ? 0 : xEmbed[i * width + j - 1]) + m
                    }
                }
                for i in 0..<height {
                    for j in 0..<width {
                        let y = yEmbed[i * width + j] / (yEmbed[(height - 1) * width + j] + eps) * scale
                        let x = xEmbed[i * width + j] / (xEmbed[i * width + width - 1] + eps) * scale
                        let token = out.baseAddress! + (plane + i * width + j) * dModel
                        for k in 0..<features {
                            let vy = y / inverseFrequency[k], vx = x / inverseFrequency[k]
                            token[k] = k % 2 == 0 ? sinf(vy) : cosf(vy)
                            token[features + k] = k % 2 == 0 ? sinf(vx) : cosf(vx)
                        }
                    }
                }
            }
        }
    }
}
