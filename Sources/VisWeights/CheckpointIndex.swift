import Foundation
import VisFiles

/// The index of a sharded checkpoint, `model.safetensors.index.json`:
/// `{"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}`.
///
/// Parsing checks only the index's own structure (an object, a `weight_map` of strings to
/// relative file names, no duplicate keys); whether the shards agree with it is checked by
/// `Checkpoint(index:)`.
public struct CheckpointIndex: Sendable, Equatable {
    /// Where the index was read from; shard names are relative to its directory.
    public let path: String
    /// The index's `metadata` object (e.g. `total_size`). String values as written; numbers,
    /// booleans and nested values as their compact JSON text.
    public let metadata: [String: String]
    /// Tensor name to shard file name (relative to the index's directory).
    public let weightMap: [String: String]

    /// Distinct shard file names, sorted.
    public var shardFiles: [String] { Array(Set(weightMap.values)).sorted() }

    /// The directory that holds the index and its shards.
    public var directory: String { (path as NSString).deletingLastPathComponent }

    /// Reads and parses the index file at `path`.
    public init(path: String) throws(WeightsError) {
        let mapped = try MappedFile(path: path)
        try self.init(json: [UInt8](mapped.bytes), path: path)
    }

    /// Parses index JSON text; `path` names the file in errors and anchors the shard names.
    public init(json: [UInt8], path: String) throws(WeightsError) {
        self.path = path
        func malformed(_ reason: String) -> WeightsError { .malformed(file: path, reason: reason) }
        // Indexes are written indented over many lines: a line and column locate a problem best.
        let root = try WeightsJSON.parse(json, file: path, subject: "index") { "line \($0.line), column \($0.column)" }
        guard let members = root.members else { throw malformed("index is \(root.kindDescription), not a JSON object") }

        var metadata: [String: String] = [:]
        var weightMap: [String: String]?
        for member in members {
            let value = member.value
            switch member.key {
            case "metadata":
                switch value.kind {
                case .null: break
                case .object(let items):
                    for item in items {
                        if case .string(let s) = item.value.kind { metadata[item.key] = s } else { metadata[item.key] = item.value.compactText }
                    }
                default: throw malformed("index metadata is \(value.kindDescription), not an object")
                }
            case "weight_map":
                guard let items = value.members else { throw malformed("weight_map is \(value.kindDescription), not an object") }
                var map: [String: String] = [:]
                for item in items {
                    let tensor = item.key
                    guard case .string(let file) = item.value.kind else {
                        throw malformed("weight_map entry for '\(tensor)' is \(item.value.kindDescription), not a file name")
                    }
                    guard Self.isPlainRelativePath(file) else {
                        throw malformed("weight_map entry for '\(tensor)' names '\(file)', which is not a file inside the checkpoint directory")
                    }
                    map[tensor] = file
                }
                weightMap = map
            default:
                break  // other top-level keys are ignored, as transformers does
            }
        }
        guard let weightMap else { throw malformed("index has no weight_map") }
        self.metadata = metadata
        self.weightMap = weightMap
    }

    /// Shards must live under the index's directory: no absolute paths, no `..` components.
    private static func isPlainRelativePath(_ file: String) -> Bool {
        guard !file.isEmpty, !file.hasPrefix("/") else { return false }
        return !file.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
    }
}
