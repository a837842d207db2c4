import Foundation
import VisTensor
import VisWeights

/// Reading `Fixtures/ops/core.safetensors` (written by `Fixtures/ops/generate_ops_core.py`):
/// tensors named `<family>.<case>.<role>`, and each family's case parameters as JSON in the
/// metadata entry `cases.<family>`.
struct OpsFixture {
    /// Every op is compared to PyTorch with `maxRelativeError <= tolerance`.
    static let tolerance: Float = 1e-5

    let file: SafetensorsFile

    init() throws {
        file = try SafetensorsFile(path: fixturesDirectory.appendingPathComponent("ops/core.safetensors").path)
    }

    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }

    /// The cases of one family, in generator order.
    func cases(_ family: String) throws -> [FixtureCase] {
        guard let json = file.metadata["cases.\(family)"],
              let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else {
            throw FixtureError.missingCases(family)
        }
        return list.map { FixtureCase(family: family, fields: $0) }
    }
}

enum FixtureError: Error { case missingCases(String), missingField(String) }

/// One case's parameters, with typed accessors.
struct FixtureCase {
    let family: String
    let fields: [String: Any]

    var name: String { fields["name"] as? String ?? "?" }
    /// Prefix of this case's tensor names.
    var prefix: String { "\(family).\(name)" }

    func int(_ key: String) throws -> Int {
        guard let number = fields[key] as? NSNumber else { throw FixtureError.missingField("\(prefix): \(key)") }
        return number.intValue
    }

    /// An integer that may be JSON null.
    func optionalInt(_ key: String) -> Int? { (fields[key] as? NSNumber)?.intValue }

    func float(_ key: String) throws -> Float {
        guard let number = fields[key] as? NSNumber else { throw FixtureError.missingField("\(prefix): \(key)") }
        return number.floatValue
    }

    func bool(_ key: String) throws -> Bool {
        guard let number = fields[key] as? NSNumber else { throw FixtureError.missingField("\(prefix): \(key)") }
        return number.boolValue
    }

    func ints(_ key: String) throws -> [Int] {
        guard let list = fields[key] as? [NSNumber] else { throw FixtureError.missingField("\(prefix): \(key)") }
        return list.map(\.intValue)
    }

    /// A `[height, width]` list (or a single integer) as a `SpatialPair`.
    func pair(_ key: String) throws -> SpatialPair {
        if let single = fields[key] as? NSNumber, !(fields[key] is [Any]) { return SpatialPair(single.intValue) }
        let list = try ints(key)
        guard list.count == 2 else { throw FixtureError.missingField("\(prefix): \(key) is not a pair") }
        return SpatialPair(list[0], list[1])
    }
}
