import Foundation
import Synchronization
import VisImage
import VisModels
@testable import VisPipeline

/// A `StageContext` for tests: a `ModelCache` that also counts how often each key was loaded.
final class CountingContext: StageContext {
    let cache = ModelCache()
    private let counts = Mutex<[String: Int]>([:])

    func shared<Value: Sendable>(_ key: String, _ load: @Sendable () throws -> Value) throws -> Value {
        try cache.shared(key) {
            counts.withLock { $0[key, default: 0] += 1 }
            return try load()
        }
    }

    func loads(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
    var totalLoads: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// Builds a stage of type `S` with the given parameter values (others take their defaults).
func makeStage<S: Stage>(_ type: S.Type, _ values: [String: ParameterValue] = [:],
                         context: any StageContext = ModelCache()) throws -> S {
    try S(parameters: StageParameters(values), context: context)
}

/// A small image whose pixels all differ from their neighbours (a gradient with a pattern).
func gradientImage(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = RGBColor(UInt8((x * 255) / max(width - 1, 1)), UInt8((y * 255) / max(height - 1, 1)),
                                   UInt8((x * 7 + y * 13) % 256))
        }
    }
    return image
}


extension PipelineValue {
    var imageValue: ImageValue? { if case .image(let value) = self { return value }; return nil }
    var detectionList: [VisModels.Detection]? { if case .detections(let value) = self { return value }; return nil }
}
