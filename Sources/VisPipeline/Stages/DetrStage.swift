import Foundation
import VisImage
import VisModels

/// `detr`: DETR object detection on one image at a time.
///
/// The model directory holds `config.json` and `model.safetensors` (optionally
/// `preprocessor_config.json`, otherwise transformers' DETR preprocessing defaults apply). The
/// model and its processor are loaded once through the `StageContext`, keyed by the directory's
/// resolved path, so every `detr` stage (and every image) of a run naming the same directory
/// shares one copy. Each image is preprocessed, run as a batch of one and post-processed like
/// transformers' `post_process_object_detection` (with `labels_per_query` above 1, each query
/// also offers its runner-up classes; see `DetrPostProcessor`); boxes are in the pixels of the
/// input image.
public struct DetrStage: Stage {
    /// What one model directory loads into, shared through the context.
    public struct LoadedModel: Sendable {
        public let model: DetrModel
        public let processor: DetrImageProcessor
    }

    public static let descriptor = StageDescriptor(
        type: "detr",
        summary: "Detect objects with a DETR model (boxes in the input image's pixels).",
        inputs: [
            PortSpec("image", .image, summary: "The image to run the detector on."),
        ],
        outputs: [
            PortSpec("detections", .detections,
                     summary: "Detections scoring above threshold: score, label, box in the input image's pixels."),
        ],
        parameters: [
            ParameterSpec("model", .path, default: nil,
                          summary: "Model directory: config.json + model.safetensors (+ optional preprocessor_config.json)."),
            ParameterSpec("threshold", .number(range: 0...1), default: .number(0.5),
                          summary: "Keep detections whose score is strictly above this."),
            ParameterSpec("top_k", .integer(range: 0...10_000), default: .integer(0),
                          summary: "Keep at most this many detections, best first; 0 keeps all, in query order."),
            ParameterSpec("labels_per_query", .integer(range: 1...1_000), default: .integer(1),
                          summary: "Each query offers its this-many most probable classes as detections; 1 is transformers' best class only."),
        ])

    public static var stageType: StageType { StageType(descriptor, DetrStage.self) }

    /// The cache key a model directory is shared under: `detr:` and the directory's absolute path
    /// with `.`/`..` and symbolic links resolved, so two spellings of one directory share a model.
    public static func cacheKey(modelDirectory: String) -> String {
        "detr:" + URL(fileURLWithPath: modelDirectory).standardizedFileURL.resolvingSymlinksInPath().path
    }

    public let loaded: LoadedModel
    public let postProcessor: DetrPostProcessor

    public init(parameters: StageParameters, context: any StageContext) throws {
        let reader = ParameterReader(parameters, for: Self.descriptor)
        let directory = try reader.string("model")
        let threshold = try reader.number("threshold")
        let topK = try reader.integer("top_k")
        let labelsPerQuery = try reader.integer("labels_per_query")
        loaded = try context.shared(Self.cacheKey(modelDirectory: directory)) { () throws(BuiltinStageError) -> LoadedModel in
            do throws(ModelError) {
                return LoadedModel(model: try DetrModel.load(directory: directory),
                                   processor: try DetrImageProcessor(directory: directory))
            } catch {
                throw .model(error)
            }
        }
        postProcessor = DetrPostProcessor(id2label: loaded.model.config.id2label, threshold: Float(threshold),
                                          topK: topK == 0 ? nil : topK, labelsPerQuery: labelsPerQuery)
    }

    /// Detections for one image, in its pixels.
    public func detect(_ image: RGBImage) throws(BuiltinStageError) -> [Detection] {
        do {
            let inputs = try loaded.processor.preprocess([image])
            let output = try loaded.model.forward(pixelValues: inputs.pixelValues, pixelMask: inputs.pixelMask)
            return try postProcessor.detections(output, originalSizes: inputs.originalSizes)[0]
        } catch {
            throw .model(error)
        }
    }

    public func process(_ inputs: [String: PipelineValue]) async throws -> [String: PipelineValue] {
        ["detections": .detections(try detect(try inputs.image("image").image))]
    }
}
