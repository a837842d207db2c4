import Foundation
import VisTensor

/// One tensor's entry in a safetensors header, validated against the file.
public struct SafetensorsEntry: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range inside the data section (after the 8-byte length and the header).
    public let dataRange: Range<Int>
}

/// A memory-mapped safetensors file (https://github.com/huggingface/safetensors format).
///
/// Everything in the header is validated when the file is opened — length, JSON, dtypes, shapes,
/// offsets inside the data section, no overlaps and no holes — so later reads cannot go out of
/// bounds. A malformed file is a `WeightsError.malformed`, never a crash.
public final class SafetensorsFile: @unchecked Sendable {
    /// Headers larger than this are refused before being read (the reference library uses 100 MB).
    public static let maximumHeaderLength = 100_000_000

    public let path: String
    public let entries: [String: SafetensorsEntry]
    public let metadata: [String: String]
    private let mapped: MappedFile
    private let dataStart: Int

    /// Tensor names in file order (ascending data offset).
    public var names: [String] { entries.values.sorted { $0.dataRange.lowerBound < $1.dataRange.lowerBound }.map(\.name) }

    public init(path: String) throws(WeightsError) {
        self.path = path
        mapped = try MappedFile(path: path)
        let bytes = mapped.bytes
        func malformed(_ reason: String) -> WeightsError { .malformed(file: path, reason: reason) }

        guard bytes.count >= 8 else { throw malformed("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw malformed("header length \(headerLength) exceeds the \(Self.maximumHeaderLength)-byte limit")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw malformed("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        dataStart = 8 + Int(headerLength)
        let headerBytes = Data(bytes[8..<dataStart])
        guard headerBytes.first == UInt8(ascii: "{") else { throw malformed("header does not start with '{'") }

        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerBytes) } catch {
            throw malformed("header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw malformed("header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: Any] else { throw malformed("__metadata__ is not an object") }
            for (key, value) in map {
                guard let string = value as? String else { throw malformed("__metadata__.\(key) is not a string") }
                metadata[key] = string
            }
        }
        self.metadata = metadata

        let dataLength = bytes.count - dataStart
        var entries: [String: SafetensorsEntry] = [:]
        for (name, raw) in header where name != "__metadata__" {
            guard let fields = raw as? [String: Any] else { throw malformed("entry '\(name)' is not an object") }
            guard let dtypeName = fields["dtype"] as? String else { throw malformed("entry '\(name)' has no dtype string") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw malformed("entry '\(name)' has unsupported dtype \(dtypeName) (supported: F32, F16, BF16, I64, U8)")
            }
            guard let shape = Self.integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw malformed("entry '\(name)' has no valid shape (a list of non-negative integers)")
            }
            guard let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw malformed("entry '\(name)' has no valid data_offsets [begin, end]")
            }
            guard offsets[1] <= dataLength else {
                throw malformed("entry '\(name)' data_offsets \(offsets) run past the \(dataLength)-byte data section")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (m, o) = acc.0.multipliedReportingOverflow(by: d)
                return (m, acc.1 || o)
            }
            guard !overflow, elements.multipliedReportingOverflow(by: dtype.byteSize).overflow == false,
                  elements * dtype.byteSize == offsets[1] - offsets[0] else {
                throw malformed("entry '\(name)' spans \(offsets[1] - offsets[0]) bytes, but \(dtype.rawValue) \(shape) needs \(overflow ? "an overflowing number of" : String(elements * dtype.byteSize))")
            }
            entries[name] = SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1])
        }

        // Tensors must tile the data section exactly: no overlap, no hole, nothing after the last one.
        var expected = 0
        for entry in entries.values.sorted(by: { ($0.dataRange.lowerBound, $0.dataRange.upperBound) < ($1.dataRange.lowerBound, $1.dataRange.upperBound) }) {
            if entry.dataRange.lowerBound < expected {
                throw malformed("entry '\(entry.name)' at bytes \(entry.dataRange.lowerBound)..<\(entry.dataRange.upperBound) overlaps the previous tensor")
            }
            if entry.dataRange.lowerBound > expected {
                throw malformed("bytes \(expected)..<\(entry.dataRange.lowerBound) of the data section belong to no tensor")
            }
            expected = entry.dataRange.upperBound
        }
        if expected != dataLength {
            throw malformed("data section is \(dataLength) bytes but tensors cover \(expected)")
        }
        self.entries = entries
    }

    /// Reads integers from a JSON array, refusing fractions and out-of-range values.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let number = element as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
            result.append(number.intValue)
        }
        return result
    }

    public func entry(_ name: String) throws(WeightsError) -> SafetensorsEntry {
        guard let entry = entries[name] else { throw .missingTensor(name: name, file: path) }
        return entry
    }

    /// The raw bytes of a tensor, valid while this file is alive.
    public func rawBytes(_ name: String) throws(WeightsError) -> UnsafeRawBufferPointer {
        let entry = try entry(name)
        return UnsafeRawBufferPointer(rebasing: mapped.bytes[(dataStart + entry.dataRange.lowerBound)..<(dataStart + entry.dataRange.upperBound)])
    }

    /// A floating-point tensor converted to float32 (F16 and BF16 widen exactly).
    public func tensor(_ name: String) throws(WeightsError) -> Tensor {
        let entry = try entry(name)
        let raw = try rawBytes(name)
        let count = entry.shape.reduce(1, *)
        switch entry.dtype {
        case .f32:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<count { out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian) }
            }
        case .f16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<count { out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian)) }
            }
        case .bf16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16) }
            }
        case .i64, .u8:
            throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path)
        }
    }

    /// An I64 tensor's values (e.g. position ids, labels) with its shape.
    public func int64s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [Int64]) {
        let entry = try entry(name)
        guard entry.dtype == .i64 else { throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path) }
        let raw = try rawBytes(name)
        let values = (0..<(raw.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        return (entry.shape, values)
    }

    /// A U8 tensor's bytes (e.g. reference image pixels) with its shape.
    public func uint8s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [UInt8]) {
        let entry = try entry(name)
        guard entry.dtype == .u8 else { throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path) }
        return (entry.shape, [UInt8](try rawBytes(name)))
    }
}
