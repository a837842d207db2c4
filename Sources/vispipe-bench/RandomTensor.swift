import VisTensor

/// Deterministic values in [-scale, scale) from a linear congruential generator; the content does
/// not matter for timing, only that it is reproducible and free of denormals.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return Tensor(shape: shape) { buffer in
        for i in buffer.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            buffer[i] = scale * (Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1)
        }
    }
}
