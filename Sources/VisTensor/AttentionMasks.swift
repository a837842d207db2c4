// Mask types accepted by the attention operations.

/// Which keys each batch element must ignore, as torch's boolean `key_padding_mask` `[B, Lk]`
/// (`true` = padding, never attended to).
public struct KeyPaddingMask: Sendable, Equatable {
    public let batch: Int
    public let keyLength: Int
    /// Row-major `[batch, keyLength]`; `true` marks a key to ignore.
    public let ignored: [Bool]

    public init(batch: Int, keyLength: Int, ignored: [Bool]) throws(TensorError) {
        guard batch >= 0, keyLength >= 0, ignored.count == batch * keyLength else {
            throw .shapeMismatch(op: "KeyPaddingMask",
                                 detail: "\(ignored.count) flags do not fill [\(batch), \(keyLength)]")
        }
        self.batch = batch
        self.keyLength = keyLength
        self.ignored = ignored
    }

    /// The mask whose ignored keys are the non-zero elements of a `[B, Lk]` tensor — e.g. an image
    /// padding mask carried as 0/1 floats through `interpolateNearest` and flattened.
    public init(nonZeroOf mask: Tensor) throws(TensorError) {
        guard mask.rank == 2 else {
            throw .shapeMismatch(op: "KeyPaddingMask", detail: "mask \(mask.shape) is not [batch, keyLength]")
        }
        try self.init(batch: mask.shape[0], keyLength: mask.shape[1], ignored: mask.storage.map { $0 != 0 })
    }
}

/// An additive mask seen as `[B, H, Lq, Lk]` through broadcasting strides (0 on broadcast axes).
struct BroadcastAttentionMask {
    let tensor: Tensor
    let batchStride: Int, headStride: Int, queryStride: Int, keyStride: Int

    /// Aligns `mask` (rank 1 to 4) at its last axis with `[batch, heads, queryLength, keyLength]`;
    /// every mask axis must be 1 or the full size, as in torch's `attn_mask` broadcasting.
    init(_ mask: Tensor, batch: Int, heads: Int, queryLength: Int, keyLength: Int, op: String) throws(TensorError) {
        let target = [batch, heads, queryLength, keyLength]
        guard (1...4).contains(mask.rank) else {
            throw .shapeMismatch(op: op, detail: "attention mask \(mask.shape) does not broadcast to \(target)")
        }
        let own = mask.strides
        var strides = [0, 0, 0, 0]
        for k in 0..<mask.rank {
            let axis = 4 - mask.rank + k
            if mask.shape[k] == target[axis] {
                strides[axis] = mask.shape[k] == 1 ? 0 : own[k]
            } else if mask.shape[k] == 1 {
                strides[axis] = 0
            } else {
                throw .shapeMismatch(op: op, detail: "attention mask \(mask.shape) does not broadcast to \(target)")
            }
        }
        tensor = mask
        (batchStride, headStride, queryStride, keyStride) = (strides[0], strides[1], strides[2], strides[3])
    }
}
