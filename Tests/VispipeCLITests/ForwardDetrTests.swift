import Foundation
import Testing
import VisImage
import VisModels
import VisTensor
import VisWeights

/// `vispipe forward detr` run as a process on the tiny `timm_basic` DETR fixture; its outputs are
/// checked against the library run in this process and against transformers' reference.
@Suite struct ForwardDetrTests {
    static let fixture = fixturesDirectory.appendingPathComponent("models/detr/timm_basic")
    static let reference = fixturesDirectory.appendingPathComponent("models/detr/timm_basic.expected.safetensors")

    /// A scratch folder holding a copy of the fixture model with a small-image preprocessing
    /// configuration (so the test runs at 48 pixels, not DETR's 800) and a 40x30 PNG.
    struct Scratch {
        let root: URL
        var model: String { root.appendingPathComponent("model").path }
        var image: String { root.appendingPathComponent("image.png").path }
        var out: String { root.appendingPathComponent("out.safetensors").path }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-forward-\(UUID().uuidString)")
            let model = root.appendingPathComponent("model")
            try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
            for file in ["config.json", "model.safetensors"] {
                try FileManager.default.copyItem(at: ForwardDetrTests.fixture.appendingPathComponent(file),
                                                 to: model.appendingPathComponent(file))
            }
            try Data(#"{"size": {"shortest_edge": 48, "longest_edge": 80}}"#.utf8)
                .write(to: model.appendingPathComponent("preprocessor_config.json"))
            var picture = RGBImage(width: 40, height: 30)
            for y in 0..<30 {
                for x in 0..<40 { picture[x, y] = RGBColor(UInt8(x * 6), UInt8(y * 8), UInt8((x * y) % 256)) }
            }
            try ImageEncoder.writePNG(picture, to: image)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        return zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func imageRunWritesTransformersTensorsEqualToTheLibrary() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try runVispipe(["forward", "detr", "--model", scratch.model, "--image", scratch.image,
                                     "--out", scratch.out, "--threshold", "0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")

        let written = try SafetensorsFile(path: scratch.out)
        #expect(Set(written.names) == ["pixel_values", "pixel_mask", "logits", "pred_boxes"])
        let pixels = try written.tensor("pixel_values"), mask = try written.tensor("pixel_mask")
        let logits = try written.tensor("logits"), boxes = try written.tensor("pred_boxes")
        // 30x40 with shortest edge 48 -> 48x64; 20 queries, 2 classes + "no object".
        #expect(pixels.shape == [1, 3, 48, 64] && mask.shape == [1, 48, 64])
        #expect(logits.shape == [1, 20, 3] && boxes.shape == [1, 20, 4])

        // The same preprocessing and forward pass in this process.
        let processor = try DetrImageProcessor(directory: scratch.model)
        let prepared = try processor.preprocess([ImageDecoder.decode(contentsOf: scratch.image)])
        #expect(prepared.pixelValues == pixels && prepared.pixelMask == mask)
        let model = try DetrModel.load(directory: scratch.model)
        let output = try model.forward(pixelValues: pixels, pixelMask: mask)
        #expect(Self.maximumDifference(output.logits, logits) <= 1e-6)
        #expect(Self.maximumDifference(output.predBoxes, boxes) <= 1e-6)

        // --json: the pipeline's shape, one entry per query at threshold 0, boxes in image pixels.
        let detections = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let expected = try DetrPostProcessor(id2label: model.config.id2label, threshold: 0)
            .detections(output, originalSizes: prepared.originalSizes)[0]
        #expect(detections.count == expected.count && expected.count == 20)
        for (entry, detection) in zip(detections, expected) {
            #expect(Set(entry.keys) == ["score", "label", "box"])
            #expect(entry["label"] as? String == detection.label)
            #expect(abs(((entry["score"] as? Double) ?? -1) - Double(detection.score)) <= 1e-6)
            let box = entry["box"] as? [String: Double]
            #expect(Set(box?.keys ?? [:].keys) == ["xmin", "ymin", "xmax", "ymax"])
            #expect(abs((box?["xmax"] ?? -1) - Double(detection.box.xmax)) <= 1e-4)
        }
    }

    @Test func preparedInputsGiveTransformersOutputs() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try runVispipe(["forward", "detr", "--model", Self.fixture.path, "--inputs", Self.reference.path,
                                     "--out", scratch.out, "--threshold", "0.6"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote \(scratch.out)") && result.stdout.contains("label"))

        let written = try SafetensorsFile(path: scratch.out)
        let reference = try SafetensorsFile(path: Self.reference.path)
        #expect(try written.tensor("pixel_values") == reference.tensor("pixel_values"))
        for name in ["logits", "pred_boxes"] {
            let expected = try reference.tensor(name)
            let scale = expected.storage.map(abs).max() ?? 1
            #expect(Self.maximumDifference(try written.tensor(name), expected) <= 1e-4 * scale, "\(name)")
        }
    }

    @Test func timingJSONReportsEveryField() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try runVispipe(["forward", "detr", "--model", Self.fixture.path, "--inputs", Self.reference.path,
                                     "--out", scratch.out, "--repeat", "3", "--threads", "1", "--timing-json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "one JSON object and nothing else on stdout")
        let report = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report.keys) == ["median_s", "min_s", "repeats", "threads", "peak_rss_mb", "profile", "outputs"])
        #expect(report["repeats"] as? Int == 3 && report["threads"] as? Int == 1)
        #expect(report["outputs"] as? String == scratch.out)
        let median = try #require(report["median_s"] as? Double), minimum = try #require(report["min_s"] as? Double)
        #expect(minimum > 0 && minimum <= median)
        #expect((report["peak_rss_mb"] as? Double ?? 0) > 1)
        let profile = try #require(report["profile"] as? [String: Double])
        #expect(Set(profile.keys) == ["backbone", "input_projection", "encoder", "decoder", "heads"])
        #expect(profile.values.allSatisfy { $0 >= 0 } && profile["backbone"]! > 0)
        #expect(FileManager.default.fileExists(atPath: scratch.out))
    }

    /// Failures while running: exit 1, one line on stderr naming the file.
    @Test func runtimeFailuresNameTheFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let missing = scratch.root.appendingPathComponent("no-such-model").path
        let noModel = try runVispipe(["forward", "detr", "--model", missing, "--image", scratch.image])
        #expect(noModel.status == 1)
        #expect(noModel.stderr.contains(missing))

        let corrupt = scratch.root.appendingPathComponent("corrupt.png").path
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: URL(fileURLWithPath: corrupt))
        let badImage = try runVispipe(["forward", "detr", "--model", scratch.model, "--image", corrupt])
        #expect(badImage.status == 1)
        #expect(badImage.stderr.contains(corrupt))

        let notAModel = try runVispipe(["forward", "detr", "--model", scratch.root.path, "--image", scratch.image])
        #expect(notAModel.status == 1)
        #expect(notAModel.stderr.contains("config.json"))

        // A checkpoint of another model: the long list of mismatches still comes as one line.
        let otherWeights = scratch.root.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: otherWeights, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("config.json"),
                                         to: otherWeights.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(at: fixturesDirectory.appendingPathComponent("models/detr/timm_bottleneck/model.safetensors"),
                                         to: otherWeights.appendingPathComponent("model.safetensors"))
        let mismatch = try runVispipe(["forward", "detr", "--model", otherWeights.path, "--image", scratch.image])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains(otherWeights.path) && mismatch.stderr.contains("weights do not match the model"))

        for failure in [noModel, badImage, notAModel, mismatch] {
            #expect(failure.stderr.split(separator: "\n").count == 1, "\(failure.stderr)")
            #expect(failure.stdout.isEmpty)
        }
    }

    /// Arguments that do not parse or fit together: exit 2, nothing written.
    @Test(arguments: [
        ["forward", "detr", "--image", "x.png"],
        ["forward", "detr", "--model", "m"],
        ["forward", "detr", "--model", "m", "--image", "x.png", "--inputs", "x.safetensors"],
        ["forward", "detr", "--model", "m", "--image", "x.png", "--threads", "0"],
        ["forward", "detr", "--model", "m", "--image", "x.png", "--repeat", "many"],
        ["forward", "detr", "--model", "m", "--image", "x.png", "--timing-json"],
        ["forward", "detr", "--model", "m", "--image", "x.png", "--top-k", "-1"],
        ["forward", "nosuchmodel", "--model", "m", "--image", "x.png"],
    ])
    func badArgumentsExitWithStatus2(arguments: [String]) throws {
        let result = try runVispipe(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("vispipe: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
