import Foundation
import VisFiles
import VisTensor

/// One tensor's entry in a safetensors header, validated against the file.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's name (its key in the header).
    public let name: String
    /// The stored element type.
    public let dtype: SafetensorsDType
    /// Row-major dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// Byte range inside the data section (after the 8-byte length and the header).
    public let dataRange: Range<Int>

    /// Number of elements (1 for a scalar, 0 when a dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A memory-mapped safetensors file (https://github.com/huggingface/safetensors format).
///
/// Everything in the header is validated when the file is opened — length, JSON syntax, duplicate
/// keys, dtypes, shapes, offsets inside the data section, no overlaps and no holes — so later reads
/// cannot go out of bounds. A malformed file is a `WeightsError.malformed` naming the file and the
/// tensor, never a crash.
///
/// Where the format's specification and the reference reader (safetensors 0.8.0) differ, this
/// reader follows the specification: a header must begin with `{` and may not repeat a key (the
/// reference keeps the last of two entries with the same name). Otherwise it accepts exactly what
/// the reference accepts: trailing whitespace after the JSON, `"__metadata__": null`, unknown
/// fields inside a tensor entry, empty tensors and scalars.
public final class SafetensorsFile: @unchecked Sendable {
    /// Headers larger than this are refused before being read (the reference library uses 100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// The path the file was opened from.
    public let path: String
    /// Every tensor in the file, by name.
    public let entries: [String: SafetensorsEntry]
    /// The free-form string map stored under `__metadata__` (empty when absent).
    public let metadata: [String: String]
    private let mapped: MappedFile
    private let dataStart: Int

    /// Tensor names in file order (ascending data offset; empty tensors sharing an offset by name).
    public var names: [String] {
        entries.values.sorted { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }.map(\.name)
    }

    /// Opens and validates the file at `url`.
    public convenience init(url: URL) throws(WeightsError) {
        try self.init(path: url.path)
    }

    /// Opens and validates the file at `path`.
    public init(path: String) throws(WeightsError) {
        self.path = path
        mapped = try MappedFile(path: path)
        let bytes = mapped.bytes
        func malformed(_ reason: String) -> WeightsError { .malformed(file: path, reason: reason) }

        guard bytes.count >= 8 else { throw malformed("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        // Compare as UInt64 before converting: a length near 2^64 must not wrap or trap.
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw malformed("header length \(headerLength) exceeds the \(Self.maximumHeaderLength)-byte limit")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw malformed("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        dataStart = 8 + Int(headerLength)
        let headerBytes = [UInt8](bytes[8..<dataStart])
        guard headerBytes.first == UInt8(ascii: "{") else { throw malformed("header does not start with '{'") }

        // Headers are one line as written: a byte offset locates a problem best.
        let header = try WeightsJSON.parse(headerBytes, file: path, subject: "header") { "byte \($0.offset)" }
        guard let members = header.members else { throw malformed("header is not a JSON object") }

        var metadata: [String: String] = [:]
        let dataLength = bytes.count - dataStart
        var entries: [String: SafetensorsEntry] = [:]
        for member in members {
            let name = member.key, value = member.value
            if name == "__metadata__" {
                metadata = try Self.metadata(from: value, file: path)
            } else {
                entries[name] = try Self.entry(name: name, value: value, dataLength: dataLength, file: path)
            }
        }
        self.metadata = metadata

        // Tensors must tile the data section exactly: no overlap, no hole, nothing after the last
        // one (holes would let a file carry bytes that no tensor accounts for).
        var expected = 0
        for entry in entries.values.sorted(by: { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }) {
            if entry.dataRange.lowerBound < expected {
                throw malformed("entry '\(entry.name)' at bytes \(entry.dataRange.lowerBound)..<\(entry.dataRange.upperBound) overlaps the previous tensor, which ends at \(expected)")
            }
            if entry.dataRange.lowerBound > expected {
                throw malformed("bytes \(expected)..<\(entry.dataRange.lowerBound) of the data section belong to no tensor (a hole before '\(entry.name)')")
            }
            expected = entry.dataRange.upperBound
        }
        if expected != dataLength {
            throw malformed("data section is \(dataLength) bytes but tensors cover only \(expected)")
        }
        self.entries = entries
    }

    private static func metadata(from value: JSONNode, file: String) throws(WeightsError) -> [String: String] {
        switch value.kind {
        case .null:
            return [:]  // the reference accepts an explicit null as "no metadata"
        case .object(let members):
            var metadata: [String: String] = [:]
            for member in members {
                guard case .string(let string) = member.value.kind else {
                    throw .malformed(file: file, reason: "__metadata__ value for '\(member.key)' is \(member.value.kindDescription), not a string")
                }
                metadata[member.key] = string
            }
            return metadata
        default:
            throw .malformed(file: file, reason: "__metadata__ is \(value.kindDescription), not an object of strings")
        }
    }

    private static func entry(name: String, value: JSONNode, dataLength: Int, file: String) throws(WeightsError) -> SafetensorsEntry {
        func malformed(_ reason: String) -> WeightsError { .malformed(file: file, reason: "entry '\(name)' \(reason)") }
        guard let members = value.members else { throw malformed("is \(value.kindDescription), not an object") }
        func field(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }

        guard let dtypeValue = field("dtype") else { throw malformed("has no dtype") }
        guard case .string(let dtypeName) = dtypeValue.kind else { throw malformed("has dtype \(dtypeValue.kindDescription), not a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            if SafetensorsDType.subByteNames.contains(dtypeName) {
                throw malformed("has sub-byte dtype \(dtypeName), which vispipe does not read")
            }
            throw malformed("has unknown dtype \(JSONStringLiteral.quoted(dtypeName)) (known: \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let shape = try integers(field("shape"), field: "shape", malformed: malformed)
        let offsets = try integers(field("data_offsets"), field: "data_offsets", malformed: malformed)
        guard offsets.count == 2 else { throw malformed("has \(offsets.count) data_offsets, expected [begin, end]") }
        guard offsets[0] <= offsets[1] else { throw malformed("has data_offsets \(offsets) that end before they begin") }
        guard offsets[1] <= dataLength else {
            throw malformed("has data_offsets \(offsets) past the end of the \(dataLength)-byte data section")
        }
        // Overflow-checked element and byte counts: a hostile shape must not trap.
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw malformed("has shape \(shape), whose element count overflows") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw malformed("has shape \(shape), whose \(dtype.rawValue) byte count overflows") }
        guard byteCount == offsets[1] - offsets[0] else {
            throw malformed("spans \(offsets[1] - offsets[0]) bytes (data_offsets \(offsets)), but \(dtype.rawValue) \(shape) needs \(byteCount)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1])
    }

    /// Reads a JSON array of non-negative integer literals; fractions, exponents, signs, booleans
    /// and values beyond `Int.max` are refused (the reference refuses them as sizes too).
    private static func integers(_ value: JSONNode?, field: String, malformed: (String) -> WeightsError) throws(WeightsError) -> [Int] {
        guard let value else { throw malformed("has no \(field)") }
        guard case .array(let elements) = value.kind else { throw malformed("has \(field) \(value.kindDescription), not an array of integers") }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let integer = element.nonNegativeInteger else {
                throw malformed("has \(field) \(value.compactText): \(element.compactText) is not a non-negative integer")
            }
            result.append(integer)
        }
        return result
    }

    /// The validated header entry for `name`.
    public func entry(_ name: String) throws(WeightsError) -> SafetensorsEntry {
        guard let entry = entries[name] else { throw .missingTensor(name: name, file: path) }
        return entry
    }

    /// The raw little-endian bytes of a tensor, valid while this file is alive.
    public func rawBytes(_ name: String) throws(WeightsError) -> UnsafeRawBufferPointer {
        let entry = try entry(name)
        return UnsafeRawBufferPointer(rebasing: mapped.bytes[(dataStart + entry.dataRange.lowerBound)..<(dataStart + entry.dataRange.upperBound)])
    }

    /// A copy of a tensor of any dtype as dtype, shape and bytes (e.g. to write it elsewhere).
    public func rawTensor(_ name: String) throws(WeightsError) -> RawTensor {
        let entry = try entry(name)
        return try RawTensor(dtype: entry.dtype, shape: entry.shape, bytes: [UInt8](try rawBytes(name)))
    }

    /// A floating-point tensor converted to float32 (F16 and BF16 widen exactly).
    /// Other dtypes throw `WeightsError.unsupportedDType`.
    public func tensor(_ name: String) throws(WeightsError) -> Tensor {
        let entry = try entry(name)
        let raw = try rawBytes(name)
        let count = entry.elementCount
        switch entry.dtype {
        case .f32:
            return Tensor(shape: entry.shape) { out in
                #if _endian(little)
                // The file is little-endian like the host: one copy, no per-element conversion.
                if count > 0 { out.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 4 * count) { $0.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 4 * count) } }
                #else
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                #endif
            }
        case .f16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<count { out[i] = Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
            }
        case .bf16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            }
        default:
            throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path)
        }
    }

    /// An I64 tensor's values (e.g. position ids, labels) with its shape.
    public func int64s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [Int64]) {
        let entry = try entry(name)
        guard entry.dtype == .i64 else { throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path) }
        let raw = try rawBytes(name)
        let values = (0..<entry.elementCount).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        return (entry.shape, values)
    }

    /// A U8 tensor's bytes (e.g. reference image pixels) with its shape.
    public func uint8s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [UInt8]) {
        let entry = try entry(name)
        guard entry.dtype == .u8 else { throw .unsupportedDType(name: name, dtype: entry.dtype.rawValue, file: path) }
        return (entry.shape, [UInt8](try rawBytes(name)))
    }
}
