/// A hand-built or adapted plan the executor cannot run. Validated pipelines never produce these;
/// they guard the executor's assumptions.
public enum ExecutionPlanError: Error, Equatable, CustomStringConvertible {
    case duplicateStage(String)
    /// A selector names a graph input that is not declared or a stage that does not come earlier.
    case unresolvedSelector(stage: String, port: String, selector: String)
    case typeMismatch(consumer: String, selector: String, expected: PortType, found: PortType)

    public var description: String {
        switch self {
        case .duplicateStage(let name): return "execution plan: stage name '\(name)' is used twice"
        case .unresolvedSelector(let stage, let port, let selector):
            return "execution plan: \(stage).\(port) reads \(selector), which is not a graph input or an output of an earlier stage"
        case .typeMismatch(let consumer, let selector, let expected, let found):
            return "execution plan: \(consumer) expects \(expected) but \(selector) is \(found)"
        }
    }
}
