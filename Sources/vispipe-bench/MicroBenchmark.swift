import ArgumentParser
import CBLAS
import Foundation
import VisTensor

/// `make bench` (tensor layer): GFLOP/s of `linear` and `conv2d` at ResNet-50 / DETR sizes beside a raw
/// `cblas_sgemm` of the same GEMM shape — so the overhead of the tensor layer (im2col, bias, ReLU,
/// allocation) is visible — and beside PyTorch when its timings are given.
@main
struct MicroBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vispipe-bench",
        abstract: "Tensor-layer micro-benchmarks (release builds only give meaningful figures).")

    @Option(help: "Benchmark cases (JSON).")
    var cases = "Tools/bench/micro_ops.json"

    @Option(help: "PyTorch timings as JSON lines from Tools/bench/torch_micro.py (optional).")
    var anchor: String?

    @Option(help: "Compute threads (default: the machine's cores).")
    var threads: Int = 0

    @Option(help: "Timed repetitions per case (median reported).")
    var repeats = 10

    @Option(help: "Timed repetitions of each whole-backbone case (median reported).")
    var backboneRepeats = 3

    @Flag(help: "Also time every algorithm on ResNet-50's 3x3 stride-1 convolutions.")
    var convAlgorithms = false

    @Flag(help: "Compare each backbone stage's output with Winograd against im2col (max relative error).")
    var backboneAccuracy = false

    @Option(help: "Clock: wall (elapsed) or cpu (process CPU time, steadier on a busy machine).")
    var clock = "wall"

    mutating func run() throws {
        Parallelism.setThreadCount(threads)
        AllocatorTuning.reuseLargeBuffers()  // as an inference executable would: see its documentation
        guard let chosenClock = BenchClock(rawValue: clock) else {
            throw ValidationError("--clock must be one of: \(BenchClock.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        benchClock = chosenClock
        let benchCases = try BenchCases.load(path: cases)
        let torch = AnchorTiming.load(path: anchor)
        print("vispipe tensor-layer micro-benchmark: \(Parallelism.threadCount) threads, median of \(repeats) runs, \(clock) clock")
        if torch.isEmpty { print("(no PyTorch timings given: the torch columns are empty)") }
        print("")
        let header = "| case | vispipe ms | vispipe GFLOP/s | raw sgemm GFLOP/s | vispipe / sgemm | torch GFLOP/s | vispipe / torch speed |"
        print(header)
        print("|---|---:|---:|---:|---:|---:|---:|")

        for c in benchCases.linear {
            let x = randomTensor([c.tokens, c.inFeatures], seed: 1)
            let w = randomTensor([c.outFeatures, c.inFeatures], seed: 2)
            let b = randomTensor([c.outFeatures], seed: 3)
            let ours = try medianSeconds(repeats: repeats) { _ = try linear(x, weight: w, bias: b) }
            let raw = Self.rawSgemm(m: c.tokens, n: c.outFeatures, k: c.inFeatures, transposeB: true, repeats: repeats)
            printRow("linear " + c.name, seconds: ours, flops: c.flops, rawSeconds: raw, torch: torch["linear/" + c.name])
        }
        for c in benchCases.conv2d {
            let x = randomTensor([1, c.inChannels, c.height, c.width], seed: 4)
            let w = randomTensor([c.outChannels, c.inChannels, c.kernel, c.kernel], seed: 5)
            let b = randomTensor([c.outChannels], seed: 6)
            // Prepared outside the timed loop, as a model does at load time.
            let conv = try PreparedConv2d(weight: w, bias: b, stride: SpatialPair(c.stride), padding: SpatialPair(c.padding))
            try conv.prepare(forInputs: [x.shape])
            let ours = try medianSeconds(repeats: repeats) { _ = try conv(x) }
            let (m, n, k) = c.gemm
            let raw = Self.rawSgemm(m: m, n: n, k: k, transposeB: false, repeats: repeats)
            printRow("conv2d " + c.name, seconds: ours, flops: c.flops, rawSeconds: raw, torch: torch["conv2d/" + c.name])
        }
        if convAlgorithms { try ConvolutionAlgorithmComparison(repeats: repeats).run() }
        if let backbones = benchCases.backbone, !backbones.isEmpty {
            if backboneAccuracy { try compareBackboneWithDirect(backbones) }
            try runBackbones(backbones, torch: torch)
        }
    }

    /// Whole ResNet-50 trunks: each step (stem, layer1 … layer4) timed on the previous step's real
    /// output, then the sum; GFLOP/s counts direct-convolution FLOPs.
    private func runBackbones(_ cases: [BenchCases.BackboneCase], torch: [String: AnchorTiming]) throws {
        let backbone = ResNet50Backbone()
        print("")
        print("| backbone step | vispipe ms | vispipe GFLOP/s | torch ms | vispipe / torch speed |")
        print("|---|---:|---:|---:|---:|")
        for c in cases {
            let flops = backbone.flops(height: c.height, width: c.width)
            var x = randomTensor([1, 3, c.height, c.width], seed: 9)
            var total = 0.0
            for (step, stepFlops) in zip(backbone.steps, flops) {
                let input = x
                let seconds = try medianSeconds(repeats: backboneRepeats) { x = try step.run(input) }
                total += seconds
                printBackboneRow("\(c.name) / \(step.name)", seconds: seconds, flops: stepFlops,
                                 torch: torch["backbone/\(c.name) / \(step.name)"])
            }
            printBackboneRow("\(c.name) total", seconds: total, flops: flops.reduce(0, +),
                             torch: torch["backbone/\(c.name) total"])
        }
    }

    /// Max |winograd − direct| / max |direct| after each stage, both runs from the same input.
    private func compareBackboneWithDirect(_ cases: [BenchCases.BackboneCase]) throws {
        let backbone = ResNet50Backbone()
        print("")
        print("| backbone output | max relative error, Winograd vs im2col |")
        print("|---|---:|")
        for c in cases {
            var fast = randomTensor([1, 3, c.height, c.width], seed: 9), direct = fast
            for (step, reference) in zip(backbone.steps, backbone.steps(direct: true)) {
                fast = try step.run(fast)
                direct = try reference.run(direct)
                var difference: Float = 0, largest: Float = 0
                for (a, b) in zip(fast.storage, direct.storage) {
                    difference = max(difference, abs(a - b))
                    largest = max(largest, abs(b))
                }
                print("| \(c.name) / \(step.name) | \(String(format: "%.2e", difference / largest)) |")
            }
        }
    }

    private func printBackboneRow(_ name: String, seconds: Double, flops: Double, torch: AnchorTiming?) {
        let torchColumns = torch.map { (String(format: "%.1f", $0.seconds * 1e3), String(format: "%.2fx", $0.seconds / seconds)) } ?? ("–", "–")
        print("| \(name) | \(String(format: "%.1f", seconds * 1e3)) | \(String(format: "%.1f", flops / seconds / 1e9)) | \(torchColumns.0) | \(torchColumns.1) |")
    }

    private func printRow(_ name: String, seconds: Double, flops: Double, rawSeconds: Double, torch: AnchorTiming?) {
        let ours = flops / seconds / 1e9
        let raw = flops / rawSeconds / 1e9
        let torchColumns = torch.map { (String(format: "%.1f", $0.gflops), String(format: "%.2fx", $0.seconds / seconds)) } ?? ("–", "–")
        print("| \(name) | \(String(format: "%.2f", seconds * 1e3)) | \(String(format: "%.1f", ours)) | \(String(format: "%.1f", raw)) | \(String(format: "%.2f", ours / raw)) | \(torchColumns.0) | \(torchColumns.1) |")
    }

    /// A plain row-major sgemm C[m,n] = A[m,k] · B (B is [k,n], or [n,k] transposed), preallocated.
    private static func rawSgemm(m: Int, n: Int, k: Int, transposeB: Bool, repeats: Int) -> Double {
        let a = randomTensor([m, k], seed: 7).storage
        let b = randomTensor(transposeB ? [n, k] : [k, n], seed: 8).storage
        var c = [Float](repeating: 0, count: m * n)
        return medianSeconds(repeats: repeats) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(transposeB ? k : n), 0, &c, Int32(n))
        }
    }
}
