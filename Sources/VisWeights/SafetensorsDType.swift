/// Element types of the safetensors format that occupy whole bytes.
///
/// Every one of them can be opened, validated, copied as raw bytes and written back; `tensor(_:)`
/// converts the floating-point ones vispipe computes with (F32, F16, BF16) to float32, and
/// `int64s(_:)` / `uint8s(_:)` read I64 and U8. The sub-byte types of the reference (F4, F6_*) are
/// refused when a file is opened.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .c64, .f64, .i64, .u64: return 8
        }
    }

    /// Rank in the reference implementation's dtype enumeration, which lists types in increasing
    /// alignment. Its writer lays tensors out by descending rank (then by name) so that every
    /// tensor starts aligned for its type; `SafetensorsWriter` does the same, which also makes
    /// our files byte-identical to the reference's.
    var referenceRank: Int { Self.allCases.firstIndex(of: self)! }

    /// Reference dtype names that exist but pack several elements per byte; named in errors.
    static let subByteNames: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]
}
