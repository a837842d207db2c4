import VisTensor

/// `--conv-algorithms`: every algorithm that applies to ResNet-50's 3×3 stride-1 convolutions (at
/// DETR's 800×1066 input and a smaller 512×683 one), on prepared weights, with bias and ReLU, so
/// the thresholds of `ConvolutionGeometry.preferredAlgorithm` can be checked on this machine.
struct ConvolutionAlgorithmComparison {
    let repeats: Int

    func run() throws {
        print("")
        print("| 3x3/1 convolution | algorithm | ms | chosen |")
        print("|---|---|---:|---|")
        let shapes = [(64, 200, 267), (128, 100, 134), (256, 50, 67), (512, 25, 34),
                      (64, 128, 171), (128, 64, 86), (256, 32, 43), (512, 16, 22)]
        for (channels, height, width) in shapes {
            let x = randomTensor([1, channels, height, width], seed: 11)
            let fanIn = Float(channels * 9)
            let conv = try PreparedConv2d(weight: randomTensor([channels, channels, 3, 3], seed: 12, scale: (3 / fanIn).squareRoot()),
                                          bias: randomTensor([channels], seed: 13, scale: 0.1), padding: 1)
            let chosen = try conv.algorithm(forInput: x.shape)
            for algorithm in [ConvolutionAlgorithm.im2colGEMM, .winogradF2x2, .winogradF4x4] {
                let seconds = try medianSeconds(repeats: repeats) { _ = try conv(x, fusedReLU: true, algorithm: algorithm) }
                print("| \(channels)ch @\(height)x\(width) | \(algorithm) | \(String(format: "%.2f", seconds * 1e3)) | \(algorithm == chosen ? "yes" : "") |")
            }
        }
    }
}
