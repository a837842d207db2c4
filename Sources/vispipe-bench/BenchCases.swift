import Foundation

/// The benchmark cases of `Tools/bench/micro_ops.json`, shared with the PyTorch anchor script so
/// both sides time the same work.
struct BenchCases: Decodable {
    struct LinearCase: Decodable {
        let name: String
        let tokens: Int
        let inFeatures: Int
        let outFeatures: Int
        enum CodingKeys: String, CodingKey { case name, tokens, inFeatures = "in", outFeatures = "out" }
        var flops: Double { 2 * Double(tokens * inFeatures * outFeatures) }
    }

    struct Conv2dCase: Decodable {
        let name: String
        let inChannels: Int
        let outChannels: Int
        let height: Int
        let width: Int
        let kernel: Int
        let stride: Int
        let padding: Int
        enum CodingKeys: String, CodingKey {
            case name, inChannels = "in", outChannels = "out", height = "h", width = "w", kernel = "k", stride, padding = "pad"
        }
        var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
        /// The GEMM a convolution lowers to: [out, in*k*k] x [in*k*k, OH*OW].
        var gemm: (m: Int, n: Int, k: Int) { (outChannels, outputHeight * outputWidth, inChannels * kernel * kernel) }
        var flops: Double { 2 * Double(gemm.m * gemm.n * gemm.k) }
    }

    /// A whole ResNet-50 trunk (`ResNet50Backbone`) on a `[1, 3, h, w]` input.
    struct BackboneCase: Decodable {
        let name: String
        let height: Int
        let width: Int
        enum CodingKeys: String, CodingKey { case name, height = "h", width = "w" }
    }

    let linear: [LinearCase]
    let conv2d: [Conv2dCase]
    let backbone: [BackboneCase]?

    static func load(path: String) throws -> BenchCases {
        try JSONDecoder().decode(BenchCases.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// One line of `torch_micro.py`'s output.
struct AnchorTiming: Decodable {
    let kind: String
    let name: String
    let seconds: Double
    let gflops: Double

    /// Reads JSON lines; a missing or empty file means the anchor was skipped.
    static func load(path: String?) -> [String: AnchorTiming] {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var timings: [String: AnchorTiming] = [:]
        for line in text.split(separator: "\n") {
            if let timing = try? JSONDecoder().decode(AnchorTiming.self, from: Data(line.utf8)) {
                timings[timing.kind + "/" + timing.name] = timing
            }
        }
        return timings
    }
}
