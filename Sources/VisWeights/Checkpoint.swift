import Foundation
import VisTensor

/// A model checkpoint: one safetensors file, or several shards listed by a
/// `model.safetensors.index.json`, presented as a single collection of named tensors.
///
/// Opening a sharded checkpoint validates it completely: every shard file exists and is a valid
/// safetensors file, every tensor in the `weight_map` is in the shard it is mapped to, no tensor is
/// stored in two shards, and no shard holds a tensor the map does not list. All disagreements
/// are reported together in one `WeightsError.inconsistentCheckpoint`.
///
/// ```swift
/// let checkpoint = try Checkpoint.open(directory: modelDirectory)
/// var store = try WeightStore(checkpoint: checkpoint) { key in
///     key.hasSuffix(".num_batches_tracked") ? nil : key
/// }
/// ```
public final class Checkpoint: Sendable {
    /// The file the checkpoint was opened from: the single safetensors file or the index.
    public let path: String
    /// The index, for a sharded checkpoint.
    public let index: CheckpointIndex?
    /// The safetensors files, in shard-name order (one for an unsharded checkpoint).
    public let files: [SafetensorsFile]
    /// The index's metadata for a sharded checkpoint, the file's `__metadata__` otherwise.
    public let metadata: [String: String]
    private let fileForTensor: [String: SafetensorsFile]

    /// A checkpoint made of one safetensors file.
    public init(file path: String) throws(WeightsError) {
        let file = try SafetensorsFile(path: path)
        self.path = path
        index = nil
        files = [file]
        metadata = file.metadata
        fileForTensor = Dictionary(uniqueKeysWithValues: file.entries.keys.map { ($0, file) })
    }

    /// A sharded checkpoint described by the index file at `path`; shards are opened from the
    /// index's directory and checked against the index (see the type's documentation).
    public convenience init(index path: String) throws(WeightsError) {
        try self.init(index: CheckpointIndex(path: path))
    }

    /// A sharded checkpoint from an already parsed index.
    public init(index: CheckpointIndex) throws(WeightsError) {
        path = index.path
        self.index = index
        metadata = index.metadata

        var problems: [String] = []
        var opened: [String: SafetensorsFile] = [:]
        for shard in index.shardFiles {
            let shardPath = (index.directory as NSString).appendingPathComponent(shard)
            guard FileManager.default.fileExists(atPath: shardPath) else {
                let count = index.weightMap.values.filter { $0 == shard }.count
                problems.append("shard file '\(shard)' (mapped from \(count) tensor\(count == 1 ? "" : "s")) does not exist")
                continue
            }
            opened[shard] = try SafetensorsFile(path: shardPath)
        }

        // Where each tensor actually is, over all shards the index names.
        var holders: [String: [String]] = [:]
        for (shard, file) in opened {
            for name in file.entries.keys { holders[name, default: []].append(shard) }
        }
        var fileForTensor: [String: SafetensorsFile] = [:]
        for name in Set(holders.keys).union(index.weightMap.keys).sorted() {
            let held = (holders[name] ?? []).sorted()
            let mapped = index.weightMap[name]
            if held.count > 1 {
                problems.append("tensor '\(name)' is stored in more than one shard: \(held.map { "'\($0)'" }.joined(separator: ", "))")
            } else if let mapped {
                if opened[mapped] == nil { continue }  // its shard is missing, reported above
                if held.isEmpty {
                    problems.append("tensor '\(name)' is mapped to '\(mapped)', but no shard contains it")
                } else if held[0] != mapped {
                    problems.append("tensor '\(name)' is mapped to '\(mapped)', but is stored in '\(held[0])'")
                } else {
                    fileForTensor[name] = opened[mapped]
                }
            } else {
                problems.append("tensor '\(name)' in '\(held[0])' is not listed in the weight_map")
            }
        }
        guard problems.isEmpty else { throw .inconsistentCheckpoint(index: index.path, problems: problems) }
        files = opened.keys.sorted().map { opened[$0]! }
        self.fileForTensor = fileForTensor
    }

    /// The standard name of an unsharded checkpoint, which `open(directory:)` looks for first.
    public static let singleFileName = "model.safetensors"
    /// The standard name of a sharded checkpoint's index, which `open(directory:)` looks for second.
    public static let indexFileName = "model.safetensors.index.json"

    /// Opens the checkpoint in a model directory: `model.safetensors` if present, else
    /// `model.safetensors.index.json`; failing both, the directory's only `*.safetensors.index.json`
    /// or, without one, its only `*.safetensors` file (e.g. `diffusion_pytorch_model.safetensors`).
    public static func open(directory: String) throws(WeightsError) -> Checkpoint {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .io(file: directory, reason: "not a directory")
        }
        func inDirectory(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        if manager.fileExists(atPath: inDirectory(singleFileName)) { return try Checkpoint(file: inDirectory(singleFileName)) }
        if manager.fileExists(atPath: inDirectory(indexFileName)) { return try Checkpoint(index: inDirectory(indexFileName)) }

        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw .io(file: directory, reason: "cannot list directory: \(error.localizedDescription)")
        }
        let indexes = names.filter { $0.hasSuffix(".safetensors.index.json") }
        let singles = names.filter { $0.hasSuffix(".safetensors") }
        if indexes.count == 1 { return try Checkpoint(index: inDirectory(indexes[0])) }
        if indexes.isEmpty && singles.count == 1 { return try Checkpoint(file: inDirectory(singles[0])) }
        let found = indexes.isEmpty ? singles : indexes
        throw .io(file: directory, reason: found.isEmpty
            ? "no \(singleFileName), \(indexFileName) or other *.safetensors file"
            : "no \(singleFileName) or \(indexFileName), and several candidates: \(found.joined(separator: ", "))")
    }

    /// Opens the directory with `open(directory:)`.
    public static func open(directory url: URL) throws(WeightsError) -> Checkpoint {
        try open(directory: url.path)
    }

    /// Opens a directory, an index (`*.json`) or a single safetensors file.
    public static func open(path: String) throws(WeightsError) -> Checkpoint {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try open(directory: path)
        }
        return path.hasSuffix(".json") ? try Checkpoint(index: path) : try Checkpoint(file: path)
    }

    /// All tensor names, sorted.
    public var names: [String] { fileForTensor.keys.sorted() }

    /// The file that stores `name`.
    public func file(containing name: String) throws(WeightsError) -> SafetensorsFile {
        guard let file = fileForTensor[name] else { throw .missingTensor(name: name, file: path) }
        return file
    }

    /// The header entry of `name` (dtype, shape, byte range in its file).
    public func entry(_ name: String) throws(WeightsError) -> SafetensorsEntry { try file(containing: name).entry(name) }

    /// A floating-point tensor as float32 (see `SafetensorsFile.tensor(_:)`).
    public func tensor(_ name: String) throws(WeightsError) -> Tensor { try file(containing: name).tensor(name) }

    /// An I64 tensor's shape and values.
    public func int64s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [Int64]) { try file(containing: name).int64s(name) }

    /// A U8 tensor's shape and bytes.
    public func uint8s(_ name: String) throws(WeightsError) -> (shape: [Int], values: [UInt8]) { try file(containing: name).uint8s(name) }

    /// A copy of any tensor as dtype, shape and bytes.
    public func rawTensor(_ name: String) throws(WeightsError) -> RawTensor { try file(containing: name).rawTensor(name) }

    /// One value loaded for model use: F32/F16/BF16 as a float32 tensor, I64 and U8 unchanged.
    /// Other dtypes throw `WeightsError.unsupportedDType` (drop them when renaming if unneeded).
    public func weight(_ name: String) throws(WeightsError) -> WeightValue {
        let file = try file(containing: name)
        switch try file.entry(name).dtype {
        case .f32, .f16, .bf16: return .float32(try file.tensor(name))
        case .i64: let (shape, values) = try file.int64s(name); return .int64(shape: shape, values: values)
        case .u8: let (shape, values) = try file.uint8s(name); return .uint8(shape: shape, values: values)
        default: throw .unsupportedDType(name: name, dtype: try file.entry(name).dtype.rawValue, file: file.path)
        }
    }
}
