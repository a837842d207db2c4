import Foundation
import VisTensor
import VisWeights
@testable import VisModels

/// Paths and helpers shared by the DETR tests.
enum DetrFixtures {
    static let directory = fixturesDirectory.appendingPathComponent("models/detr")

    static func modelPath(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func expected(_ name: String) throws -> SafetensorsFile {
        try SafetensorsFile(path: directory.appendingPathComponent("\(name).expected.safetensors").path)
    }

    /// `max |a - b| / max |reference|`; infinite when the shapes differ.
    static func relativeError(_ a: Tensor, _ reference: Tensor) -> Float {
        guard a.shape == reference.shape else { return .infinity }
        var difference: Float = 0, scale: Float = 0
        for (x, y) in zip(a.storage, reference.storage) {
            difference = max(difference, abs(x - y))
            scale = max(scale, abs(y))
        }
        return difference / max(scale, .leastNormalMagnitude)
    }

    /// The canonical weights of a fixture model folder, renamed as `DetrModel.load(directory:)` does.
    static func weights(_ name: String) throws -> WeightStore {
        try DetrCheckpointLayout.canonicalWeights(from: Checkpoint.open(directory: modelPath(name)))
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-detr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Slice `index` of the batch axis, keeping it as a batch of one.
    static func batchElement(_ x: Tensor, _ index: Int) throws -> Tensor {
        try slice(x, axis: 0, range: index..<(index + 1))
    }
}
