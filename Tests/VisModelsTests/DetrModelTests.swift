import Foundation
import Testing
import VisTensor
import VisWeights
@testable import VisModels

/// DETR against transformers 5.23 `DetrForObjectDetection` (eval mode) on tiny perturbed models
/// written by `Fixtures/models/detr/generate_detr_fixtures.py`.
@Suite struct DetrModelTests {
    static let tolerance: Float = 1e-4

    @Test(arguments: ["timm_bottleneck", "hf_resnet_bottleneck", "hf_resnet_basic", "timm_basic", "timm_dc5",
                      "queries7_labels5_gelu"])
    func matchesTransformers(_ name: String) throws {
        let model = try DetrModel.load(directory: DetrFixtures.modelPath(name))
        let expected = try DetrFixtures.expected(name)
        let output = try model.forward(pixelValues: expected.tensor("pixel_values"), pixelMask: expected.tensor("pixel_mask"))
        let logitsError = DetrFixtures.relativeError(output.logits, try expected.tensor("logits"))
        let boxesError = DetrFixtures.relativeError(output.predBoxes, try expected.tensor("pred_boxes"))
        print("DETR \(name): logits rel err \(logitsError), pred_boxes rel err \(boxesError)")
        #expect(logitsError <= Self.tolerance, "\(name) logits")
        #expect(boxesError <= Self.tolerance, "\(name) pred_boxes")
    }

    @Test func fixtureConfigurationsDecodeAsWritten() throws {
        let dc5 = try DetrConfig.load(directory: DetrFixtures.modelPath("timm_dc5"))
        #expect(dc5.backbone.outputStride == 16 && dc5.dilation)
        #expect(dc5.backbone.stageGeometry.last == ResNetConfig.StageGeometry(stride: 1, dilation: 2, firstBlockDilation: 1))
        let labels = try DetrConfig.load(directory: DetrFixtures.modelPath("queries7_labels5_gelu"))
        #expect(labels.numQueries == 7 && labels.numLabels == 5 && labels.id2label[3] == "car")
        #expect(labels.activationFunction == .gelu && labels.backbone.blockKind == .basic)
        let defaults = try DetrConfig.load(directory: DetrFixtures.modelPath("timm_bottleneck"))
        #expect(defaults.id2label == [0: "LABEL_0", 1: "LABEL_1"])  // save_pretrained writes no id2label for 2 labels
        #expect(defaults.backbone.depths == [1, 2, 2, 1] && defaults.backbone.stageWidths == [16, 32, 32, 64])
        let hf = try DetrConfig.load(directory: DetrFixtures.modelPath("hf_resnet_bottleneck"))
        #expect(hf.backbone.bottleneckStride == .firstPointwise && hf.backbone.innerWidths == [4, 4, 8, 8])
        let hfBasic = try DetrConfig.load(directory: DetrFixtures.modelPath("hf_resnet_basic"))
        #expect(hfBasic.backbone.downsampleInFirstStage && hfBasic.backbone.stageGeometry.map(\.stride) == [2, 2, 2, 2])
    }

    /// A padded batch of two differently sized images matches transformers' batch; each image run
    /// alone with the same padding gives its batch row; each image run unpadded matches
    /// transformers' unpadded run (which differs from the padded one: the backbone sees the padding).
    @Test func paddedBatch() throws {
        let model = try DetrModel.load(directory: DetrFixtures.modelPath("timm_bottleneck"))
        let expected = try DetrFixtures.expected("timm_bottleneck_batch")
        let pixels = try expected.tensor("pixel_values"), mask = try expected.tensor("pixel_mask")
        let batch = try model.forward(pixelValues: pixels, pixelMask: mask)
        let logitsError = DetrFixtures.relativeError(batch.logits, try expected.tensor("logits"))
        let boxesError = DetrFixtures.relativeError(batch.predBoxes, try expected.tensor("pred_boxes"))
        print("DETR padded batch: logits rel err \(logitsError), pred_boxes rel err \(boxesError)")
        #expect(logitsError <= Self.tolerance && boxesError <= Self.tolerance)
        #expect(mask.storage.contains(0), "the fixture must contain padding")

        for index in 0..<2 {
            let alone = try model.forward(pixelValues: DetrFixtures.batchElement(pixels, index),
                                          pixelMask: DetrFixtures.batchElement(mask, index))
            let rowLogits = try DetrFixtures.batchElement(batch.logits, index)
            let rowBoxes = try DetrFixtures.batchElement(batch.predBoxes, index)
            #expect(DetrFixtures.relativeError(alone.logits, rowLogits) <= 1e-5, "image \(index) alone vs in batch")
            #expect(DetrFixtures.relativeError(alone.predBoxes, rowBoxes) <= 1e-5, "image \(index) alone vs in batch")

            let single = try expected.tensor("single\(index)_pixel_values")
            let unpadded = try model.forward(pixelValues: single, pixelMask: Tensor(repeating: 1, shape: [1, single.shape[2], single.shape[3]]))
            let singleLogitsError = DetrFixtures.relativeError(unpadded.logits, try expected.tensor("single\(index)_logits"))
            let singleBoxesError = DetrFixtures.relativeError(unpadded.predBoxes, try expected.tensor("single\(index)_pred_boxes"))
            print("DETR unpadded image \(index): logits rel err \(singleLogitsError), pred_boxes rel err \(singleBoxesError)")
            #expect(singleLogitsError <= Self.tolerance && singleBoxesError <= Self.tolerance)
        }
    }

    @Test func refusesInputsOfTheWrongShape() throws {
        let model = try DetrModel.load(directory: DetrFixtures.modelPath("timm_basic"))
        #expect(throws: ModelError.self) {
            try model.forward(pixelValues: Tensor(zeros: [1, 1, 64, 64]), pixelMask: Tensor(zeros: [1, 64, 64]))
        }
        do {
            _ = try model.forward(pixelValues: Tensor(zeros: [2, 3, 64, 64]), pixelMask: Tensor(zeros: [2, 64, 60]))
            Issue.record("a mask of another size was accepted")
        } catch {
            #expect(error.description.contains("[2, 64, 60]"))
        }
    }
}

/// vispipe's detections (its model's outputs through `DetrPostProcessor`) against transformers'
/// `post_process_object_detection` of the reference outputs, written by
/// `Fixtures/models/detr/generate_postprocessed_fixtures.py` (threshold 0: every query is compared).
@Suite struct DetrDetectionParityTests {
    @Test(arguments: ["timm_bottleneck", "hf_resnet_bottleneck", "hf_resnet_basic", "timm_basic", "timm_dc5",
                      "queries7_labels5_gelu", "timm_bottleneck_batch"])
    func detectionsMatchTransformers(_ name: String) throws {
        let modelName = name == "timm_bottleneck_batch" ? "timm_bottleneck" : name
        let model = try DetrModel.load(directory: DetrFixtures.modelPath(modelName))
        let inputs = try DetrFixtures.expected(name)
        let reference = try SafetensorsFile(path: fixturesDirectory.appendingPathComponent("models/detr/postprocessed/\(name).safetensors").path)
        let output = try model.forward(pixelValues: inputs.tensor("pixel_values"), pixelMask: inputs.tensor("pixel_mask"))
        let sizes = try reference.int64s("target_sizes").values
        let originalSizes = stride(from: 0, to: sizes.count, by: 2).map { (height: Int(sizes[$0]), width: Int(sizes[$0 + 1])) }
        let detections = try DetrPostProcessor(id2label: model.config.id2label, threshold: 0).detections(output, originalSizes: originalSizes)
        for (b, found) in detections.enumerated() {
            let labels = try reference.int64s("b\(b)_labels").values
            let scores = try reference.tensor("b\(b)_scores").storage
            let boxes = try reference.tensor("b\(b)_boxes").storage
            try #require(found.count == labels.count, "\(name) image \(b): \(found.count) detections, reference \(labels.count)")
            var worstBox: Float = 0, worstScore: Float = 0
            for (i, detection) in found.enumerated() {
                #expect(detection.labelID == Int(labels[i]), "\(name) image \(b) query \(i): label")
                worstScore = max(worstScore, abs(detection.score - scores[i]))
                let box = [detection.box.xmin, detection.box.ymin, detection.box.xmax, detection.box.ymax]
                for k in 0..<4 { worstBox = max(worstBox, abs(box[k] - boxes[4 * i + k])) }
            }
            print("DETR \(name) image \(b): \(found.count) detections, max box error \(worstBox) px, max score error \(worstScore)")
            #expect(worstBox <= 1e-3, "\(name) image \(b): box error \(worstBox) px")
            #expect(worstScore <= 1e-4, "\(name) image \(b): score error \(worstScore)")
        }
    }
}
