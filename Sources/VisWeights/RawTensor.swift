import VisTensor

/// A tensor of any safetensors dtype held as its little-endian bytes: what `SafetensorsWriter`
/// writes and what `SafetensorsFile.rawTensor(_:)` copies out. The initialisers check that the
/// byte count matches the shape, so a `RawTensor` is always writable.
public struct RawTensor: Sendable, Equatable {
    /// The element type the bytes encode.
    public let dtype: SafetensorsDType
    /// Row-major dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// `shape.reduce(1, *) * dtype.byteSize` bytes, little-endian, row-major.
    public let bytes: [UInt8]

    /// Wraps bytes already laid out in the file format.
    public init(dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) throws(WeightsError) {
        let elements = try Self.elementCount(shape)
        let (needed, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, needed == bytes.count else {
            throw .invalidArgument(operation: "RawTensor", reason: "\(bytes.count) bytes do not fill \(dtype.rawValue) \(shape)\(overflow ? "" : " (\(needed) bytes)")")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor stored as F32 (bit-exact).
    public init(_ tensor: Tensor) {
        dtype = .f32
        shape = tensor.shape
        bytes = Self.littleEndianBytes(tensor.storage.map(\.bitPattern))
    }

    /// A float32 tensor rounded to F16 (round to nearest, ties to even; overflow becomes ±inf).
    public init(float16 tensor: Tensor) {
        dtype = .f16
        shape = tensor.shape
        bytes = Self.littleEndianBytes(tensor.storage.map { Float16($0).bitPattern })
    }

    /// A float32 tensor rounded to BF16 (round to nearest, ties to even — as PyTorch converts;
    /// NaN stays a quiet NaN of the same sign).
    public init(bfloat16 tensor: Tensor) {
        dtype = .bf16
        shape = tensor.shape
        bytes = Self.littleEndianBytes(tensor.storage.map(Self.bfloat16Bits))
    }

    /// I64 values (e.g. position ids or `num_batches_tracked`) in `shape`.
    public init(int64s values: [Int64], shape: [Int]) throws(WeightsError) {
        try self.init(dtype: .i64, shape: shape, bytes: Self.littleEndianBytes(values.map { UInt64(bitPattern: $0) }))
    }

    /// U8 values (e.g. image pixels) in `shape`.
    public init(uint8s values: [UInt8], shape: [Int]) throws(WeightsError) {
        try self.init(dtype: .u8, shape: shape, bytes: values)
    }

    /// Upper 16 bits of the float32, rounded to nearest even on the 16 dropped bits.
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let lsb = (bits >> 16) & 1
        let (rounded, _) = bits.addingReportingOverflow(0x7FFF + lsb)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    private static func elementCount(_ shape: [Int]) throws(WeightsError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw .invalidArgument(operation: "RawTensor", reason: "negative dimension in shape \(shape)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .invalidArgument(operation: "RawTensor", reason: "shape \(shape) has too many elements") }
            count = product
        }
        return count
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
