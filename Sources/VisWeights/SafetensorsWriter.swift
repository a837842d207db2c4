import Foundation
import VisFiles
import VisTensor

/// Builds a safetensors file from named tensors and optional `__metadata__`.
///
/// The layout follows the reference writer (safetensors 0.8.0), so a file written here is
/// byte-identical to the one Python's `safetensors` writes for the same tensors and (at most one)
/// metadata entry:
/// - tensors ordered by descending dtype alignment, then by name (UTF-8 byte order), which keeps
///   every tensor aligned for its type; data is laid out in that same order;
/// - a compact JSON header, `__metadata__` first (its keys sorted, where the reference's order is
///   unspecified), then each tensor as `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}`;
/// - the header padded with spaces to a multiple of 8 bytes.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.add("conv.weight", weight)
/// try writer.add("positions", RawTensor(int64s: [0, 1, 2], shape: [3]))
/// try writer.write(to: "model.safetensors")
/// ```
public struct SafetensorsWriter: Sendable {
    /// Tensors to write, by name.
    public private(set) var tensors: [String: RawTensor] = [:]
    /// Written as `__metadata__` when not empty.
    public var metadata: [String: String]

    /// An empty writer, optionally with metadata.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor of any dtype. A name may be used once; `__metadata__` is reserved.
    public mutating func add(_ name: String, _ tensor: RawTensor) throws(WeightsError) {
        guard name != "__metadata__" else {
            throw .invalidArgument(operation: "SafetensorsWriter.add", reason: "'__metadata__' is reserved for metadata and cannot name a tensor")
        }
        guard tensors[name] == nil else {
            throw .invalidArgument(operation: "SafetensorsWriter.add", reason: "a tensor named '\(name)' was already added")
        }
        tensors[name] = tensor
    }

    /// Adds a float32 tensor, stored as F32.
    public mutating func add(_ name: String, _ tensor: Tensor) throws(WeightsError) {
        try add(name, RawTensor(tensor))
    }

    /// Names in the order their data is laid out.
    public var layoutOrder: [String] {
        tensors.keys.sorted { lhs, rhs in
            let (l, r) = (tensors[lhs]!.dtype.referenceRank, tensors[rhs]!.dtype.referenceRank)
            return l != r ? l > r : lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }

    /// The header JSON, padded with spaces to a multiple of 8 bytes.
    func header(order: [String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            parts.append("\"__metadata__\":{" + keys.map { JSONStringLiteral.quoted($0) + ":" + JSONStringLiteral.quoted(metadata[$0]!) }.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in order {
            let tensor = tensors[name]!
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append(JSONStringLiteral.quoted(name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// The complete file contents.
    public func serialized() -> [UInt8] {
        let order = layoutOrder
        let header = header(order: order)
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + tensors.values.reduce(0) { $0 + $1.bytes.count })
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for name in order { bytes.append(contentsOf: tensors[name]!.bytes) }
        return bytes
    }

    /// Writes the file atomically: readers of `path` see the old file or the whole new one, and a
    /// failed write leaves no temporary file behind.
    public func write(to path: String) throws(WeightsError) {
        let order = layoutOrder
        let header = header(order: order)
        do {
            try AtomicFileWriter.write(to: path) { sink throws(AtomicFileWriter.Failure) in
                try sink.write(withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) })
                try sink.write(header)
                for name in order { try sink.write(tensors[name]!.bytes) }
            }
        } catch {
            throw .io(file: path, reason: "\(error.operation) failed: \(error.reason)")
        }
    }

    /// Writes the file at `url` atomically (see `write(to:)` with a path).
    public func write(to url: URL) throws(WeightsError) {
        try write(to: url.path)
    }

    /// Writes float32 tensors (as F32) and metadata to `path` in one call.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws(WeightsError) {
        var writer = SafetensorsWriter(metadata: metadata)
        for (name, tensor) in tensors { try writer.add(name, tensor) }
        try writer.write(to: path)
    }
}
