import Foundation

/// The `StageContext` of a run (or of a long-running service): loaded models and other shared
/// values, each created once per key and handed to every stage that asks for it.
///
/// Thread-safe. When several stages ask for the same key at the same time, the first one loads
/// and the others block until it finishes, then all receive the same value — so a model is never
/// loaded twice, even when stages are prepared concurrently. A failed load is not cached: the
/// callers waiting for it receive its error, and a later call tries again (a model directory that
/// was fixed in the meantime then loads).
public final class ModelCache: StageContext, @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while `condition` is locked.

    /// The state of one key.
    private final class Slot {
        enum State {
            case loading
            case loaded(any Sendable)
            case failed(any Error)
        }
        var state: State = .loading
    }

    private let condition = NSCondition()
    private var slots: [String: Slot] = [:]
    private var loads = 0

    public init() {}

    /// How many times a `load` closure has been called (successful or not).
    public var loadCount: Int {
        condition.lock(); defer { condition.unlock() }
        return loads
    }

    /// The keys whose values are loaded, sorted.
    public var loadedKeys: [String] {
        condition.lock(); defer { condition.unlock() }
        return slots.compactMap { key, slot in
            if case .loaded = slot.state { return key }
            return nil
        }.sorted()
    }

    /// Returns the value cached under `key`, or runs `load` once to create it.
    ///
    /// - Throws: the error of `load` (also to callers that waited for that load), or
    ///   `ModelCacheError.typeMismatch` when `key` holds a value of another type.
    public func shared<Value: Sendable>(_ key: String, _ load: @Sendable () throws -> Value) throws -> Value {
        condition.lock()
        if let slot = slots[key] {
            while case .loading = slot.state { condition.wait() }
            let state = slot.state
            condition.unlock()
            switch state {
            case .loaded(let value): return try Self.cast(value, key: key)
            case .failed(let error): throw error
            case .loading: preconditionFailure("ModelCache: waited for \(key) but it is still loading")
            }
        }
        let slot = Slot()
        slots[key] = slot
        loads += 1
        condition.unlock()

        // Load outside the lock: other keys stay available meanwhile.
        let result = Result { try load() }

        condition.lock()
        switch result {
        case .success(let value): slot.state = .loaded(value)
        case .failure(let error):
            slot.state = .failed(error)
            slots[key] = nil
        }
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    private static func cast<Value>(_ value: any Sendable, key: String) throws(ModelCacheError) -> Value {
        guard let typed = value as? Value else {
            throw .typeMismatch(key: key, cached: String(describing: type(of: value)), requested: String(describing: Value.self))
        }
        return typed
    }
}

/// A misuse of `ModelCache`.
public enum ModelCacheError: Error, Equatable, CustomStringConvertible {
    /// Two callers used one key for values of different types.
    case typeMismatch(key: String, cached: String, requested: String)

    public var description: String {
        switch self {
        case .typeMismatch(let key, let cached, let requested):
            return "model cache: '\(key)' holds a \(cached), requested as \(requested)"
        }
    }
}
