/// The resolved parameters of one stage instance (defaults filled in, types checked, paths resolved).
public struct StageParameters: Sendable {
    public var values: [String: ParameterValue]
    public init(_ values: [String: ParameterValue]) { self.values = values }

    public func integer(_ name: String) -> Int? { if case .integer(let v)? = values[name] { return v }; return nil }
    public func number(_ name: String) -> Double? {
        switch values[name] {
        case .number(let v)?: return v
        case .integer(let v)?: return Double(v)
        default: return nil
        }
    }
    public func boolean(_ name: String) -> Bool? { if case .boolean(let v)? = values[name] { return v }; return nil }
    public func string(_ name: String) -> String? { if case .string(let v)? = values[name] { return v }; return nil }
    public func stringList(_ name: String) -> [String]? { if case .stringList(let v)? = values[name] { return v }; return nil }
}

/// Shared across all stages of one run: loaded models are cached here so that two stages (or two
/// runs in one service) naming the same model directory share one copy.
public protocol StageContext: Sendable {
    /// Returns the cached value for `key`, or creates it once with `load` (concurrent callers wait
    /// for the first load rather than loading twice).
    func shared<Value: Sendable>(_ key: String, _ load: @Sendable () throws -> Value) throws -> Value
}

/// One running stage instance. Prepared once per run (models loaded), then called for each item.
///
/// `process` may be called concurrently for different images; implementations keep per-call state
/// local.
public protocol Stage: Sendable {
    /// Called once before the first item.
    init(parameters: StageParameters, context: any StageContext) throws
    /// Computes the outputs from the inputs; keys are port names as declared by the descriptor.
    /// Optional inputs that are not connected are absent.
    func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue]
}

/// A stage type: its declaration and how to instantiate it.
public struct StageType: Sendable {
    public var descriptor: StageDescriptor
    public var make: @Sendable (StageParameters, any StageContext) throws -> any Stage

    public init<S: Stage>(_ descriptor: StageDescriptor, _ stage: S.Type) {
        self.descriptor = descriptor
        self.make = { parameters, context in try S(parameters: parameters, context: context) }
    }
}
