import Foundation
import Testing
import VisImage
import VisTensor
@testable import VisModels
import VisWeights

/// DETR preprocessing against transformers 5.23's Pillow-based DETR image processor
/// (Fixtures/models/detr/generate_preprocess_fixtures.py).
@Suite struct DetrImageProcessorTests {
    static let casesDirectory = fixturesDirectory.appendingPathComponent("models/detr/preprocess")

    @Test(arguments: ["shortest_longest", "legacy_integer_size", "exact_nearest_pad_size", "max_height_width"])
    func matchesTransformers(caseName: String) throws {
        let directory = Self.casesDirectory.appendingPathComponent(caseName)
        let expected = try SafetensorsFile(path: directory.appendingPathComponent("expected.safetensors").path)
        let images = try expected.names.filter { $0.hasPrefix("image_") }
            .sorted { Int($0.dropFirst(6))! < Int($1.dropFirst(6))! }
            .map { name throws -> RGBImage in
                let (shape, bytes) = try expected.uint8s(name)
                return RGBImage(width: shape[1], height: shape[0], pixels: bytes)
            }
        let processor = try DetrImageProcessor(directory: directory.path)
        let inputs = try processor.preprocess(images)

        let pixelValues = try expected.tensor("pixel_values")
        let (maskShape, maskBytes) = try expected.uint8s("pixel_mask")
        #expect(inputs.pixelValues.shape == pixelValues.shape)
        #expect(inputs.pixelMask.shape == maskShape)
        #expect(inputs.pixelMask.storage == maskBytes.map(Float.init), "pixel_mask differs")
        guard inputs.pixelValues.shape == pixelValues.shape else { return }
        let maxError = zip(inputs.pixelValues.storage, pixelValues.storage).map { abs($0 - $1) }.max() ?? 0
        // Measured: 0 (bit-identical); the tolerance allows for float32 rounding only.
        #expect(maxError <= 1e-6, "max |Δ pixel_values| = \(maxError)")
        #expect(inputs.originalSizes.map(\.height) == images.map(\.height))
        #expect(inputs.originalSizes.map(\.width) == images.map(\.width))
    }

    /// Sizes transformers 5.23 gives with the default rule (short side 800, long side at most 1333).
    @Test func defaultResizeRuleMatchesTransformersSizes() {
        let rule = DetrResizeRule.detrDefault
        let cases: [((Int, Int), (Int, Int))] = [  // (height, width) -> (height, width)
            ((480, 640), (800, 1066)), ((517, 333), (1242, 800)), ((200, 1000), (267, 1333)),
            ((457, 123), (1333, 359)), ((800, 1200), (800, 1200)), ((10, 17), (784, 1333)),
        ]
        for ((height, width), (outHeight, outWidth)) in cases {
            let size = rule.outputSize(height: height, width: width)
            #expect(size.height == outHeight && size.width == outWidth, "\(height)x\(width) -> \(size)")
        }
        #expect(DetrResizeRule.shortestEdge(28, longestEdge: 40).outputSize(height: 10, width: 17) == (24, 40))
        #expect(DetrResizeRule.fit(maxHeight: 50, maxWidth: 50).outputSize(height: 100, width: 200) == (25, 50))
        #expect(DetrResizeRule.fit(maxHeight: 200, maxWidth: 500).outputSize(height: 100, width: 200) == (200, 400))
    }

    @Test func defaultsWithoutAConfigFile() throws {
        let directory = try TemporaryConfigDirectory(json: nil)
        defer { directory.remove() }
        for processor in [try DetrImageProcessor(directory: nil), try DetrImageProcessor(directory: directory.path)] {
            #expect(processor.resizeRule == .shortestEdge(800, longestEdge: 1333))
            #expect(processor.resample == .bilinear && processor.doPad && processor.doNormalize && processor.doRescale)
            #expect(processor.imageMean == [0.485, 0.456, 0.406] && processor.imageStd == [0.229, 0.224, 0.225])
        }
    }

    @Test func configValuesDetrCannotUseAreRefusedWithTheirKey() throws {
        let cases: [(String, String)] = [
            (#"{"size": {"shortest_edge": 28}}"#, "size"),
            (#"{"size": {"height": 20, "width": 30, "longest_edge": 5}}"#, "size"),
            (#"{"size": {"height": 20, "width": 0}}"#, "size.width"),
            (#"{"size": 28, "max_size": "big"}"#, "max_size"),
            (#"{"resample": 3}"#, "resample"),
            (#"{"do_pad": 1}"#, "do_pad"),
            (#"{"image_std": [0.2, 0.0, 0.2]}"#, "image_std"),
            (#"{"image_mean": [0.5, 0.5]}"#, "image_mean"),
            (#"{"pad_size": {"height": 10}}"#, "pad_size"),
        ]
        for (json, key) in cases {
            let directory = try TemporaryConfigDirectory(json: json)
            defer { directory.remove() }
            do {
                _ = try DetrImageProcessor(directory: directory.path)
                Issue.record("accepted \(json)")
            } catch {
                guard case .invalidConfigValue(let file, let reportedKey, _, _) = error else {
                    Issue.record("\(json): \(error)"); continue
                }
                #expect(reportedKey == key, "\(json)")
                #expect(file.hasSuffix("preprocessor_config.json"))
            }
        }
        for json in ["{not json", "[1, 2]"] {
            let directory = try TemporaryConfigDirectory(json: json)
            defer { directory.remove() }
            do {
                _ = try DetrImageProcessor(directory: directory.path)
                Issue.record("accepted \(json)")
            } catch {
                guard case .unreadableConfig(let file, _) = error else { Issue.record("\(json): \(error)"); continue }
                #expect(file.hasSuffix("preprocessor_config.json"))
            }
        }
    }

    @Test func configOverridesDefaults() throws {
        let directory = try TemporaryConfigDirectory(json: #"""
            {"size": [20, 30], "do_rescale": false, "image_mean": 0.5, "pad_size": null, "resample": 0,
             "image_processor_type": "DetrImageProcessor"}
            """#)
        defer { directory.remove() }
        let processor = try DetrImageProcessor(directory: directory.path)
        #expect(processor.resizeRule == .exact(height: 20, width: 30))
        #expect(!processor.doRescale && processor.resample == .nearest && processor.padSize == nil)
        #expect(processor.imageMean == [0.5, 0.5, 0.5])
    }

    @Test func badBatchesAreRefused() throws {
        var processor = DetrImageProcessor()
        processor.resizeRule = .shortestEdge(8, longestEdge: 16)
        #expect(throws: ModelError.self) { _ = try processor.preprocess([]) }
        processor.doPad = false
        let images = [RGBImage(width: 10, height: 8), RGBImage(width: 8, height: 8)]
        #expect(throws: ModelError.self) { _ = try processor.preprocess(images) }
        processor.doPad = true
        processor.padSize = (height: 8, width: 9)
        #expect(throws: ModelError.self) { _ = try processor.preprocess(images) }
        processor.padSize = nil
        let padded = try processor.preprocess(images)
        #expect(padded.pixelValues.shape == [2, 3, 8, 10])
        #expect(padded.pixelMask[1, 7, 8] == 0 && padded.pixelMask[1, 7, 7] == 1 && padded.pixelMask[0, 7, 9] == 1)
        // A rule that leaves no rows at all for an extremely wide image.
        processor.resizeRule = .fit(maxHeight: 4, maxWidth: 4)
        do {
            _ = try processor.preprocess([RGBImage(width: 8, height: 8), RGBImage(width: 40, height: 1)])
            Issue.record("a zero-height resize was accepted")
        } catch {
            guard case .image(let index, _) = error else { Issue.record("\(error)"); return }
            #expect(index == 1)
            #expect(error.description.hasPrefix("image 1: resize"), "\(error)")
        }
    }
}

/// A temporary model directory holding `preprocessor_config.json` (or nothing, for `nil`).
struct TemporaryConfigDirectory {
    let path: String

    init(json: String?) throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("detr-preprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let json {
            try Data(json.utf8).write(to: URL(fileURLWithPath: (path as NSString).appendingPathComponent("preprocessor_config.json")))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
