import Foundation

/// The architecture of a `DetrForObjectDetection` checkpoint, read from its `config.json`.
///
/// Accepted forms (transformers 5.23 semantics):
/// - what transformers 5 `save_pretrained` writes: `backbone_config` is an object with
///   `model_type: "timm_backbone"` (`backbone`, `out_indices`, `output_stride`, …) or
///   `model_type: "resnet"` (a Hugging Face `ResNetConfig`);
/// - the hub's older form (facebook/detr-resnet-50): `backbone_config: null`,
///   `use_timm_backbone: true`, `backbone: "resnet50"`, `dilation` (DC5 = timm `output_stride` 16),
///   optional `backbone_kwargs`;
/// - `backbone_config: null` with `use_timm_backbone: false` and no `backbone`: transformers' default
///   Hugging Face ResNet-50.
///
/// A timm backbone is one of `ResNetConfig.timmPresetNames`, optionally resized by timm ResNet
/// arguments (`layers`, `channels`, `stem_width`, `base_width`) stored beside its name (as
/// transformers 4 forwarded `backbone_kwargs`; 5.23 keeps such keys in the config but no longer
/// forwards them). Values vispipe does not implement are refused, naming the key.
public struct DetrConfig: Sendable, Decodable {
    /// The feed-forward activation (`activation_function`).
    public enum Activation: String, Sendable {
        case relu
        /// Exact (erf) GELU, as transformers' `"gelu"`.
        case gelu
    }

    public var dModel: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var encoderAttentionHeads: Int
    public var decoderAttentionHeads: Int
    public var encoderFfnDim: Int
    public var decoderFfnDim: Int
    public var numQueries: Int
    /// Class names by class id; the classifier has `numLabels + 1` outputs (the last is "no object").
    public var id2label: [Int: String]
    public var numLabels: Int { id2label.count }
    public var activationFunction: Activation
    /// The top-level `dilation` flag as written (the backbone's `outputStride` is what takes effect).
    public var dilation: Bool
    /// `auxiliary_loss`. Not only a training switch: with it set, transformers' decoder applies its
    /// final layer norm to every decoder layer's output before the next layer reads it (and once more
    /// at the end), so eval-mode outputs differ. Hub checkpoints have it off.
    public var auxiliaryLoss: Bool
    public var backbone: ResNetConfig

    /// The file name `DetrConfig.load(directory:)` reads.
    public static let fileName = "config.json"
    /// `JSONDecoder.userInfo` key under which a file name (String) can be given for error messages.
    public static let fileUserInfoKey = CodingUserInfoKey(rawValue: "vispipe.configFile")!

    public init(dModel: Int, encoderLayers: Int, decoderLayers: Int, encoderAttentionHeads: Int, decoderAttentionHeads: Int,
                encoderFfnDim: Int, decoderFfnDim: Int, numQueries: Int, id2label: [Int: String],
                activationFunction: Activation = .relu, dilation: Bool = false, auxiliaryLoss: Bool = false,
                backbone: ResNetConfig) {
        self.dModel = dModel
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.encoderAttentionHeads = encoderAttentionHeads
        self.decoderAttentionHeads = decoderAttentionHeads
        self.encoderFfnDim = encoderFfnDim
        self.decoderFfnDim = decoderFfnDim
        self.numQueries = numQueries
        self.id2label = id2label
        self.activationFunction = activationFunction
        self.dilation = dilation
        self.auxiliaryLoss = auxiliaryLoss
        self.backbone = backbone
    }

    /// Reads `<directory>/config.json`.
    public static func load(directory: String) throws(ModelError) -> DetrConfig {
        let path = (directory as NSString).appendingPathComponent(fileName)
        return try DetrConfig(json: ConfigJSON.load(path: path), file: path)
    }

    /// Decodes from JSON; errors are `ModelError`s (naming the file given under `fileUserInfoKey`).
    public init(from decoder: Decoder) throws {
        let file = decoder.userInfo[DetrConfig.fileUserInfoKey] as? String ?? DetrConfig.fileName
        try self.init(json: ConfigJSON(from: decoder), file: file)
    }

    /// Decodes an already parsed `config.json`.
    init(json: ConfigJSON, file: String) throws(ModelError) {
        let root = try ConfigObject(json, file: file)
        if let type = try root.string("model_type"), type != "detr" {
            throw root.error("model_type", expected: "\"detr\"")
        }
        if let type = try root.string("position_embedding_type"), type != "sine" {
            throw root.error("position_embedding_type", expected: "\"sine\" (the learned position embedding is not supported)")
        }
        let activationName = try root.string("activation_function") ?? "relu"
        guard let activation = Activation(rawValue: activationName) else {
            throw root.error("activation_function", expected: "\"relu\" or \"gelu\"")
        }
        dModel = try root.int("d_model", default: 256, minimum: 4)
        // The sine embedding gives d_model / 2 features per axis, interleaving sin and cos.
        guard dModel % 4 == 0 else { throw root.error("d_model", expected: "a multiple of 4 (d_model / 2 sine/cosine pairs per axis)") }
        encoderLayers = try root.int("encoder_layers", default: 6, minimum: 0)
        decoderLayers = try root.int("decoder_layers", default: 6, minimum: 0)
        encoderAttentionHeads = try root.int("encoder_attention_heads", default: 8, minimum: 1)
        decoderAttentionHeads = try root.int("decoder_attention_heads", default: 8, minimum: 1)
        for (key, heads) in [("encoder_attention_heads", encoderAttentionHeads), ("decoder_attention_heads", decoderAttentionHeads)]
        where dModel % heads != 0 {
            throw root.error(key, expected: "a divisor of d_model \(dModel)")
        }
        encoderFfnDim = try root.int("encoder_ffn_dim", default: 2048, minimum: 1)
        decoderFfnDim = try root.int("decoder_ffn_dim", default: 2048, minimum: 1)
        numQueries = try root.int("num_queries", default: 100, minimum: 1)
        activationFunction = activation
        dilation = try root.bool("dilation", default: false)
        auxiliaryLoss = try root.bool("auxiliary_loss", default: false)
        id2label = try DetrConfig.labels(root)
        backbone = try DetrConfig.backbone(root, dilation: dilation)
    }

    /// `id2label` (keys are decimal class ids), or `num_labels` generic names, or transformers'
    /// default of two labels (`save_pretrained` then writes no `id2label` at all).
    private static func labels(_ root: ConfigObject) throws(ModelError) -> [Int: String] {
        if let labels = try root.object("id2label") {
            var result: [Int: String] = [:]
            for key in labels.members.keys.sorted() {
                guard let id = Int(key), id >= 0 else {
                    throw .invalidConfigValue(file: root.file, key: labels.keyPath(key), expected: "a key that is a class id (integer ≥ 0)", found: "the key \"\(key)\"")
                }
                guard let name = try labels.string(key) else { throw labels.error(key, expected: "a class name") }
                result[id] = name
            }
            guard !result.isEmpty else { throw root.error("id2label", expected: "at least one class") }
            return result
        }
        let count = try root.int("num_labels", default: 2, minimum: 1)
        return Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, "LABEL_\($0)") })
    }

    /// Resolves the backbone as transformers 5.23's `DetrConfig` / `load_backbone` do.
    private static func backbone(_ root: ConfigObject, dilation: Bool) throws(ModelError) -> ResNetConfig {
        let imageChannels = try root.int("num_channels", default: 3, minimum: 1)
        if let nested = try root.object("backbone_config") {
            guard let type = try nested.string("model_type") else {
                throw nested.error("model_type", expected: "\"timm_backbone\" or \"resnet\"")
            }
            switch type {
            case "timm_backbone":
                guard let name = try nested.string("backbone") else {
                    throw nested.error("backbone", expected: "a timm model name (one of \(ResNetConfig.timmPresetNames))")
                }
                return try ResNetConfig.decodeTimm(name: name, nameKey: nested.keyPath("backbone"), arguments: [nested], file: root.file)
            case "resnet":
                return try ResNetConfig.decodeHuggingFace(nested)
            default:
                throw nested.error("model_type", expected: "\"timm_backbone\" or \"resnet\" (vispipe's DETR supports ResNet backbones only)")
            }
        }
        let kwargs = try root.object("backbone_kwargs")
        let name = try root.string("backbone")
        guard try root.bool("use_timm_backbone", default: true) else {
            if let name {
                throw root.error("backbone", expected: "no hub backbone name with use_timm_backbone false (vispipe cannot fetch '\(name)'; give an inline backbone_config)")
            }
            var config = try ResNetConfig.decodeHuggingFace(ConfigObject(.object([:]), file: root.file, path: "backbone_config"))
            config.inputChannels = imageChannels
            return config
        }
        let resolvedName = name ?? "resnet50"
        var config = try ResNetConfig.decodeTimm(name: resolvedName, nameKey: "backbone", arguments: kwargs.map { [$0] } ?? [],
                                                 defaultOutputStride: dilation ? 16 : 32, file: root.file)
        if kwargs?.value("in_chans") == nil && kwargs?.value("num_channels") == nil { config.inputChannels = imageChannels }
        return config
    }
}
