import VisTensor

/// One loaded checkpoint value: floating-point weights become float32 tensors (F16 and BF16
/// widen exactly), integer buffers (I64, e.g. `position_ids`) and U8 data pass through unchanged.
public enum WeightValue: Sendable, Equatable {
    /// An F32, F16 or BF16 tensor, widened to float32.
    case float32(Tensor)
    /// An I64 tensor's shape and values.
    case int64(shape: [Int], values: [Int64])
    /// A U8 tensor's shape and bytes.
    case uint8(shape: [Int], values: [UInt8])

    /// The value's shape.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): return tensor.shape
        case .int64(let shape, _), .uint8(let shape, _): return shape
        }
    }

    /// The element type as a user reads it: "float32", "int64" or "uint8".
    public var kindName: String {
        switch self {
        case .float32: return "float32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        }
    }
}
