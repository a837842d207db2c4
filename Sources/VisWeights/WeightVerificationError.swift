/// Everything that kept a checkpoint from matching a model's declared parameters, collected over
/// a whole load so that one run shows the complete list. Every list is sorted by name.
public struct WeightVerificationError: Error, Equatable, CustomStringConvertible {
    /// A parameter whose stored shape differs from the one the model declared.
    public struct ShapeMismatch: Equatable, Sendable {
        public let name: String
        /// The shape the model declared.
        public let expected: [Int]
        /// The shape stored in the checkpoint.
        public let found: [Int]
    }

    /// A parameter stored with another element kind than the model asked for
    /// (e.g. an int64 buffer taken as a float32 weight).
    public struct KindMismatch: Equatable, Sendable {
        public let name: String
        public let expected: String
        public let found: String
    }

    /// Parameters the model asked for that the checkpoint (after renaming) does not have.
    public var missing: [String]
    /// Checkpoint entries (after renaming) that no parameter took.
    public var unexpected: [String]
    /// Parameters stored with another shape than declared.
    public var shapeMismatches: [ShapeMismatch]
    /// Parameters stored with another element kind than requested.
    public var kindMismatches: [KindMismatch]
    /// Parameters the model asked for more than once (a model bug: each is set exactly once).
    public var takenMoreThanOnce: [String]

    /// A report with the given problems (each list is sorted by name).
    public init(missing: [String] = [], unexpected: [String] = [], shapeMismatches: [ShapeMismatch] = [],
                kindMismatches: [KindMismatch] = [], takenMoreThanOnce: [String] = []) {
        self.missing = missing.sorted()
        self.unexpected = unexpected.sorted()
        self.shapeMismatches = shapeMismatches.sorted { $0.name < $1.name }
        self.kindMismatches = kindMismatches.sorted { $0.name < $1.name }
        self.takenMoreThanOnce = takenMoreThanOnce.sorted()
    }

    /// True when nothing is wrong.
    public var isEmpty: Bool {
        missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty && kindMismatches.isEmpty && takenMoreThanOnce.isEmpty
    }

    public var description: String {
        var counts: [String] = []
        var sections: [String] = []
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            counts.append("\(lines.count) \(title)")
            sections.append("\(title) (\(lines.count)):\n" + lines.map { "  - \($0)" }.joined(separator: "\n"))
        }
        section("missing", missing)
        section("unexpected", unexpected)
        section("shape mismatches", shapeMismatches.map { "\($0.name): expected \($0.expected), found \($0.found)" })
        section("type mismatches", kindMismatches.map { "\($0.name): expected \($0.expected), found \($0.found)" })
        section("taken more than once", takenMoreThanOnce)
        return "weights do not match the model (\(counts.joined(separator: ", "))):\n" + sections.joined(separator: "\n")
    }
}
