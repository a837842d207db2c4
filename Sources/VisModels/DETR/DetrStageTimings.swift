/// Wall-clock seconds spent in each stage of one `DetrModel.forward` call, filled in when the
/// caller passes a `DetrStageTimings?` that is not `nil` (profiling is off, and costs one branch
/// per stage, otherwise).
public struct DetrStageTimings: Sendable, Equatable {
    /// The ResNet backbone.
    public var backbone: Double = 0
    /// Mask downsampling, position embedding, the 1x1 input projection and flattening to tokens.
    public var inputProjection: Double = 0
    /// All encoder layers.
    public var encoder: Double = 0
    /// Query set-up and all decoder layers.
    public var decoder: Double = 0
    /// The final decoder norm, the class head and the box head.
    public var heads: Double = 0

    public init() {}

    /// The stages in execution order, under snake_case names (as `--timing-json` reports them).
    public var stages: [(name: String, seconds: Double)] {
        [("backbone", backbone), ("input_projection", inputProjection), ("encoder", encoder),
         ("decoder", decoder), ("heads", heads)]
    }

    /// Sum of all stages.
    public var total: Double { stages.reduce(0) { $0 + $1.seconds } }
}

/// Measures consecutive stages into a `DetrStageTimings?`; does nothing (not even read the clock)
/// when profiling is off.
struct DetrStageClock {
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant?

    init(enabled: Bool) { last = enabled ? clock.now : nil }

    /// Charges the time since the previous mark (or the start) to `stage`.
    mutating func mark(_ stage: WritableKeyPath<DetrStageTimings, Double>, in timings: inout DetrStageTimings?) {
        guard let start = last, timings != nil else { return }
        let now = clock.now
        let elapsed = now - start
        timings![keyPath: stage] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        last = now
    }
}
