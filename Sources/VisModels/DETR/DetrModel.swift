import VisTensor
import VisWeights

/// `DetrForObjectDetection` for inference: ResNet backbone (batch norms folded), 1x1 input
/// projection, sine position embedding, post-norm transformer encoder and decoder, class and box
/// heads. Results match transformers 5.23 in eval mode.
///
/// A batch holds images padded bottom/right to a common size, with a pixel mask marking the real
/// pixels; each image's result is the one it gets alone with the same padding.
public final class DetrModel: Sendable {
    public let config: DetrConfig
    let backbone: ResNetBackbone
    let inputProjection: Conv2dParameters
    let queryPositions: Tensor
    let encoderLayers: [DetrEncoderLayer]
    let decoderLayers: [DetrDecoderLayer]
    let decoderNorm: LayerNormLayer
    let classifier: LinearLayer
    let boxHead: [LinearLayer]

    /// The prefix of the backbone's (timm-named) parameters in canonical DETR names.
    public static let backbonePrefix = "model.backbone.conv_encoder.model."

    /// Builds the model from weights under canonical names (the hub / `save_pretrained` layout with
    /// a timm-named backbone, no `num_batches_tracked`). Verification is strict: every parameter
    /// must be present with its shape and nothing may be left over; all problems are reported at once.
    public convenience init(config: DetrConfig, weights: inout WeightStore) throws(ModelError) {
        try self.init(config: config, weights: &weights, source: "weights")
    }

    /// `source` names where the weights came from (the model directory) in errors.
    init(config: DetrConfig, weights: inout WeightStore, source: String) throws(ModelError) {
        self.config = config
        let width = config.dModel
        backbone = try ResNetBackbone(config: config.backbone, weights: &weights, prefix: DetrModel.backbonePrefix)
        inputProjection = Conv2dParameters(
            weight: weights.take("model.input_projection.weight", shape: [width, config.backbone.featureChannels, 1, 1]),
            bias: weights.take("model.input_projection.bias", shape: [width]))
        queryPositions = weights.take("model.query_position_embeddings.weight", shape: [config.numQueries, width])
        var encoder: [DetrEncoderLayer] = []
        for index in 0..<config.encoderLayers { encoder.append(try DetrEncoderLayer(taking: &weights, index: index, config: config)) }
        encoderLayers = encoder
        var decoder: [DetrDecoderLayer] = []
        for index in 0..<config.decoderLayers { decoder.append(try DetrDecoderLayer(taking: &weights, index: index, config: config)) }
        decoderLayers = decoder
        decoderNorm = LayerNormLayer(taking: &weights, "model.decoder.layernorm", width: width)
        classifier = LinearLayer(taking: &weights, "class_labels_classifier", input: width, output: config.numLabels + 1)
        boxHead = [LinearLayer(taking: &weights, "bbox_predictor.layers.0", input: width, output: width),
                   LinearLayer(taking: &weights, "bbox_predictor.layers.1", input: width, output: width),
                   LinearLayer(taking: &weights, "bbox_predictor.layers.2", input: width, output: 4)]
        do {
            try weights.finish()
        } catch {
            throw .weightMismatch(directory: source, error)
        }
    }

    /// Runs the detector.
    /// - Parameters:
    ///   - pixelValues: normalized images `[B, 3, H, W]`, padded bottom/right to a common size.
    ///   - pixelMask: `[B, H, W]`, 1 on real pixels and 0 on padding.
    public func forward(pixelValues: Tensor, pixelMask: Tensor) throws(ModelError) -> DetrOutput {
        var noTimings: DetrStageTimings? = nil
        return try forward(pixelValues: pixelValues, pixelMask: pixelMask, timings: &noTimings)
    }

    /// Runs the detector (see `forward(pixelValues:pixelMask:)`); when `timings` is not `nil`, it
    /// receives the seconds spent in each stage of this call.
    public func forward(pixelValues: Tensor, pixelMask: Tensor, timings: inout DetrStageTimings?) throws(ModelError) -> DetrOutput {
        guard pixelValues.rank == 4, pixelValues.shape[1] == config.backbone.inputChannels else {
            throw .invalidInput(operation: "DetrModel.forward", detail: "pixel values \(pixelValues.shape) are not [B, \(config.backbone.inputChannels), H, W]")
        }
        let (batch, height, width) = (pixelValues.shape[0], pixelValues.shape[2], pixelValues.shape[3])
        guard pixelMask.shape == [batch, height, width] else {
            throw .invalidInput(operation: "DetrModel.forward", detail: "pixel mask \(pixelMask.shape) is not [\(batch), \(height), \(width)] like pixel values \(pixelValues.shape)")
        }
        guard batch > 0 else {
            throw .invalidInput(operation: "DetrModel.forward", detail: "empty batch \(pixelValues.shape)")
        }
        var stageClock = DetrStageClock(enabled: timings != nil)
        let features = try backbone(pixelValues)
        stageClock.mark(\.backbone, in: &timings)
        var stage = "input projection"
        do {
            let (featureHeight, featureWidth) = (features.shape[2], features.shape[3])
            let tokenCount = featureHeight * featureWidth
            // The pixel mask at feature resolution, by nearest interpolation as transformers does.
            let featureMask = try interpolateNearest(try pixelMask.reshaped([batch, 1, height, width]),
                                                     size: (featureHeight, featureWidth)).reshaped([batch, featureHeight, featureWidth])
            let padding = try KeyPaddingMask(batch: batch, keyLength: tokenCount, ignored: featureMask.storage.map { $0 == 0 })
            let position = DetrSinePositionEmbedding.tokens(mask: featureMask, dModel: config.dModel)

            let projected = try conv2d(features, weight: inputProjection.weight, bias: inputProjection.bias)
            var memory = try transposed(projected.reshaped([batch, config.dModel, tokenCount]), 1, 2)
            stageClock.mark(\.inputProjection, in: &timings)
            // The transformer is a chain of small and medium GEMMs between row-wise passes: on
            // few cores it runs best with vispipe's threads splitting every GEMM and OpenBLAS on one.
            return try Parallelism.withSerialBLAS { () throws(TensorError) -> DetrOutput in
                for (index, layer) in encoderLayers.enumerated() {
                    stage = "encoder layer \(index)"
                    memory = try layer(memory, position: position, padding: padding)
                }
                stageClock.mark(\.encoder, in: &timings)

                stage = "decoder"
                var memoryKeys = memory
                try addInPlace(&memoryKeys, position, op: "memory + pos")
                let queryPosition = try concatenate(Array(repeating: queryPositions.reshaped([1, config.numQueries, config.dModel]), count: batch), axis: 0)
                var target = Tensor(zeros: queryPosition.shape)
                for (index, layer) in decoderLayers.enumerated() {
                    stage = "decoder layer \(index)"
                    target = try layer(target, queryPosition: queryPosition, memory: memory, memoryKeys: memoryKeys, padding: padding)
                    if config.auxiliaryLoss {
                        // transformers feeds the normed intermediate output (kept for the auxiliary
                        // losses) on to the next layer when auxiliary_loss is set (see DetrConfig).
                        target = try decoderNorm(target)
                    }
                }
                stageClock.mark(\.decoder, in: &timings)
                stage = "heads"
                let hidden = try decoderNorm(target)
                let logits = try classifier(hidden)
                var boxes = try boxHead[2](try boxHead[1](try boxHead[0](hidden, fusedReLU: true), fusedReLU: true))
                sigmoidInPlace(&boxes)
                stageClock.mark(\.heads, in: &timings)
                return DetrOutput(logits: logits, predBoxes: boxes)
            }
        } catch {
            throw .computation(stage: "DETR \(stage) for input \(pixelValues.shape)", error)
        }
    }
}
