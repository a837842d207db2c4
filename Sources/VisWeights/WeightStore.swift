import VisTensor

/// The weights of one model load, with strict verification: every parameter the model declares
/// is set exactly once with exactly its declared shape, and nothing in the checkpoint is left over.
///
/// A load goes in three steps:
/// 1. **Rename** — one function maps each checkpoint key to the model's name, or to `nil` to
///    drop it (`num_batches_tracked`, unused heads, …). Two keys renamed to one name is an error.
/// 2. **Transform** (optional) — reshape entries the model wants differently, e.g.
///    `splitAlongFirstAxis("attn.in_proj_weight", into: ["attn.q.weight", "attn.k.weight", "attn.v.weight"])`.
/// 3. **Take and finish** — the model takes each parameter with its shape; problems (missing
///    names, wrong shapes, wrong element types, repeated takes) are recorded, not thrown, so that
///    construction continues and `finish()` reports all of them at once, together with every
///    entry nobody took.
///
/// ```swift
/// var store = try WeightStore(checkpoint: checkpoint) { key in
///     key.hasSuffix(".num_batches_tracked") ? nil : key.replacingOccurrences(of: "module.", with: "")
/// }
/// let conv1 = store.take("backbone.conv1.weight", shape: [64, 3, 7, 7])
/// // … every other parameter …
/// try store.finish()  // throws WeightVerificationError listing every problem
/// ```
///
/// When a parameter is missing or mismatched, `take` returns zeros of the declared shape so the
/// model can finish building; such a model must never be used, which `finish()` guarantees when
/// it is called before the model is returned.
public struct WeightStore: Sendable {
    private var available: [String: WeightValue]
    private var taken: Set<String> = []
    private var missing: Set<String> = []
    private var takenMoreThanOnce: Set<String> = []
    private var shapeMismatches: [String: WeightVerificationError.ShapeMismatch] = [:]
    private var kindMismatches: [String: WeightVerificationError.KindMismatch] = [:]

    /// A store of float32 tensors (already renamed).
    public init(tensors: [String: Tensor]) {
        available = tensors.mapValues { .float32($0) }
    }

    /// A store of loaded values (already renamed).
    public init(weights: [String: WeightValue]) {
        available = weights
    }

    /// Loads `checkpoint`, renaming every key with `rename` (return `nil` to drop a key; dropped
    /// tensors are never read, so they may have dtypes vispipe cannot convert). F32, F16 and BF16
    /// become float32 tensors; I64 and U8 pass through.
    /// Throws when two keys are renamed to the same name, listing every such collision.
    public init(checkpoint: Checkpoint, renaming rename: (String) -> String? = { $0 }) throws(WeightsError) {
        var sources: [String: [String]] = [:]
        for key in checkpoint.names {
            if let name = rename(key) { sources[name, default: []].append(key) }
        }
        let collisions = sources.filter { $0.value.count > 1 }.keys.sorted()
        guard collisions.isEmpty else {
            throw .invalidArgument(operation: "WeightStore renaming", reason: "several checkpoint keys renamed to one name: "
                + collisions.map { "'\($0)' <- \(sources[$0]!.map { "'\($0)'" }.joined(separator: ", "))" }.joined(separator: "; "))
        }
        var available: [String: WeightValue] = [:]
        for (name, keys) in sources { available[name] = try checkpoint.weight(keys[0]) }
        self.available = available
    }

    // MARK: Inspecting and transforming (before taking)

    /// Names not yet taken, sorted.
    public var remainingNames: [String] { available.keys.sorted() }

    /// The shape stored under `name`, if any (e.g. to read a class count from a head's weight)
    /// without taking it.
    public func shape(of name: String) -> [Int]? { available[name]?.shape }

    /// The value stored under `name` without taking it.
    public func peek(_ name: String) -> WeightValue? { available[name] }

    /// Removes and returns an entry without recording it as taken (for transforms).
    @discardableResult
    public mutating func remove(_ name: String) -> WeightValue? { available.removeValue(forKey: name) }

    /// Adds an entry; throws if the name is already present.
    public mutating func insert(_ value: WeightValue, as name: String) throws(WeightsError) {
        guard available[name] == nil else {
            throw .invalidArgument(operation: "WeightStore.insert", reason: "'\(name)' is already present")
        }
        available[name] = value
    }

    /// Adds a float32 tensor; throws if the name is already present.
    public mutating func insert(_ tensor: Tensor, as name: String) throws(WeightsError) {
        try insert(.float32(tensor), as: name)
    }

    /// Replaces the float32 tensor `name` by `body(tensor)` (e.g. a transpose or reshape).
    public mutating func transform(_ name: String, _ body: (Tensor) throws(WeightsError) -> Tensor) throws(WeightsError) {
        guard let value = available[name] else { throw .missingTensor(name: name, file: "weight store") }
        guard case .float32(let tensor) = value else {
            throw .invalidArgument(operation: "WeightStore.transform", reason: "'\(name)' is \(value.kindName), not float32")
        }
        available[name] = .float32(try body(tensor))
    }

    /// Replaces the float32 tensor `name` by equal pieces along axis 0 stored under `names`
    /// (e.g. a stacked `in_proj_weight` into q, k and v). The pieces' names must be new.
    public mutating func splitAlongFirstAxis(_ name: String, into names: [String]) throws(WeightsError) {
        guard let value = available[name] else { throw .missingTensor(name: name, file: "weight store") }
        guard case .float32(let tensor) = value else {
            throw .invalidArgument(operation: "WeightStore.splitAlongFirstAxis", reason: "'\(name)' is \(value.kindName), not float32")
        }
        let pieces = try WeightTransforms.splitAlongFirstAxis(tensor, parts: names.count)
        let clashes = names.filter { $0 != name && available[$0] != nil }
        guard clashes.isEmpty, Set(names).count == names.count else {
            throw .invalidArgument(operation: "WeightStore.splitAlongFirstAxis", reason: "piece names \(names) repeat or are already present")
        }
        available[name] = nil
        for (pieceName, piece) in zip(names, pieces) { available[pieceName] = .float32(piece) }
    }

    // MARK: Taking (model construction)

    /// Takes the float32 parameter `name`, which must have exactly `shape`. On a problem (missing,
    /// other shape, other element type, already taken) the problem is recorded for `finish()`
    /// and zeros of `shape` are returned.
    public mutating func take(_ name: String, shape: [Int]) -> Tensor {
        guard let value = claim(name, shape: shape, kind: "float32") else { return Tensor(zeros: shape) }
        guard case .float32(let tensor) = value else { return Tensor(zeros: shape) }
        return tensor
    }

    /// Takes the int64 buffer `name` (e.g. `position_ids`), which must have exactly `shape`.
    /// Problems are recorded as for `take(_:shape:)`; zeros are returned then.
    public mutating func takeInt64(_ name: String, shape: [Int]) -> [Int64] {
        let zeros = [Int64](repeating: 0, count: shape.reduce(1, *))
        guard let value = claim(name, shape: shape, kind: "int64") else { return zeros }
        guard case .int64(_, let values) = value else { return zeros }
        return values
    }

    /// Takes the uint8 buffer `name`, which must have exactly `shape`.
    /// Problems are recorded as for `take(_:shape:)`; zeros are returned then.
    public mutating func takeUInt8(_ name: String, shape: [Int]) -> [UInt8] {
        let zeros = [UInt8](repeating: 0, count: shape.reduce(1, *))
        guard let value = claim(name, shape: shape, kind: "uint8") else { return zeros }
        guard case .uint8(_, let values) = value else { return zeros }
        return values
    }

    /// Takes `name` if the checkpoint has it (for parameters a model variant may lack, such as a
    /// bias); returns `nil`, recording nothing, when it is absent. A present entry is checked
    /// like `take(_:shape:)`.
    public mutating func takeIfPresent(_ name: String, shape: [Int]) -> Tensor? {
        guard available[name] != nil || taken.contains(name) else { return nil }
        return take(name, shape: shape)
    }

    /// Takes every parameter of `expected` (name to shape) at once.
    public mutating func take(all expected: [String: [Int]]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in expected.keys.sorted() { result[name] = take(name, shape: expected[name]!) }
        return result
    }

    /// Records the take and returns the value when everything matches, or records the problem.
    private mutating func claim(_ name: String, shape: [Int], kind: String) -> WeightValue? {
        if taken.contains(name) {
            takenMoreThanOnce.insert(name)
            return nil
        }
        guard let value = available.removeValue(forKey: name) else {
            missing.insert(name)
            return nil
        }
        taken.insert(name)
        var matches = true
        if value.kindName != kind {
            kindMismatches[name] = .init(name: name, expected: kind, found: value.kindName)
            matches = false
        }
        if value.shape != shape {
            shapeMismatches[name] = .init(name: name, expected: shape, found: value.shape)
            matches = false
        }
        return matches ? value : nil
    }

    /// Everything wrong so far: the recorded problems plus every entry not yet taken.
    public var problems: WeightVerificationError {
        WeightVerificationError(missing: Array(missing), unexpected: Array(available.keys),
                                shapeMismatches: Array(shapeMismatches.values), kindMismatches: Array(kindMismatches.values),
                                takenMoreThanOnce: Array(takenMoreThanOnce))
    }

    /// Ends the load: throws one `WeightVerificationError` listing every missing, unexpected,
    /// mismatched or repeated parameter, sorted by name; returns when all matched exactly.
    public func finish() throws(WeightVerificationError) {
        let problems = problems
        guard problems.isEmpty else { throw problems }
    }
}
