/// The stage types a pipeline may use. The single source for `vispipe stages` and for validation.
public struct StageRegistry: Sendable {
    public private(set) var types: [String: StageType] = [:]

    public init(_ types: [StageType] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: StageType) {
        precondition(types[type.descriptor.type] == nil, "StageRegistry: duplicate stage type \(type.descriptor.type)")
        types[type.descriptor.type] = type
    }

    public func type(named name: String) -> StageType? { types[name] }

    /// Descriptors sorted by type name (for listings).
    public var descriptors: [StageDescriptor] { types.values.map(\.descriptor).sorted { $0.type < $1.type } }
}
