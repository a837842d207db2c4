import VisTensor
import VisWeights

/// A bias-free convolution followed by a frozen batch norm, folded at load time into one
/// convolution with a bias (`Conv2dParameters.foldingBatchNorm`) and prepared once
/// (`PreparedConv2d`: algorithm checks, Winograd weight transforms), so inference runs one
/// convolution whose bias pass can also apply the residual add and ReLU that follow.
struct FoldedConvolution: Sendable {
    let convolution: PreparedConv2d

    var outputChannels: Int { convolution.outputChannels }

    /// Takes `<convolution>.weight` `[out, in, k, k]` and `<batchNorm>.{weight, bias, running_mean,
    /// running_var}` `[out]` from `weights` (problems are recorded there for `finish()`), and folds
    /// them with eps 1e-5, as DETR's `DetrFrozenBatchNorm2d`.
    init(taking weights: inout WeightStore, convolution: String, batchNorm: String,
         inputChannels: Int, outputChannels: Int, kernel: Int,
         stride: Int = 1, padding: Int = 0, dilation: Int = 1) throws(ModelError) {
        let weight = weights.take("\(convolution).weight", shape: [outputChannels, inputChannels, kernel, kernel])
        func statistic(_ name: String) -> Tensor { weights.take("\(batchNorm).\(name)", shape: [outputChannels]) }
        let (gamma, beta, mean, variance) = (statistic("weight"), statistic("bias"), statistic("running_mean"), statistic("running_var"))
        do {
            let norm = try BatchNormParameters(weight: gamma, bias: beta, runningMean: mean, runningVariance: variance, eps: 1e-5)
            let folded = try Conv2dParameters(weight: weight).foldingBatchNorm(norm)
            self.convolution = try PreparedConv2d(weight: folded.weight, bias: folded.bias, stride: SpatialPair(stride),
                                                  padding: SpatialPair(padding), dilation: SpatialPair(dilation))
        } catch {
            throw .computation(stage: "folding \(batchNorm) into \(convolution)", error)
        }
    }

    /// The convolution and its batch norm, plus `residual` when given, with the following ReLU
    /// fused when `relu` is set.
    func callAsFunction(_ x: Tensor, residual: Tensor? = nil, relu: Bool) throws(TensorError) -> Tensor {
        try convolution(x, residual: residual, fusedReLU: relu)
    }
}
