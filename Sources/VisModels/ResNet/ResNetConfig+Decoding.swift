// Reading a ResNetConfig from the two ways a DETR config.json describes its backbone.

extension ResNetConfig {
    /// timm ResNet constructor arguments that change the architecture and that vispipe does not
    /// implement; a configuration setting any of them is refused rather than run wrongly.
    static let unsupportedTimmArguments = [
        "stem_type", "avg_down", "cardinality", "block_reduce_first", "down_kernel_size", "replace_stem_pool",
        "act_layer", "norm_layer", "aa_layer", "attn_layer", "block_args", "block",
    ]

    /// A timm ResNet named `name` (one of `timmPresetNames`), adjusted by the constructor
    /// arguments found in `arguments` (later objects win): `layers`, `channels`, `base_width`,
    /// `output_stride`, plus the backbone wrapper's `out_indices`, `in_chans` /
    /// `num_channels` and `features_only`.
    ///
    /// - Parameters:
    ///   - nameKey: the JSON path of the name, for the error when the name is unknown.
    ///   - defaultOutputStride: 16 when the DETR config asks for `dilation` without saying more.
    static func decodeTimm(name: String, nameKey: String, arguments: [ConfigObject], defaultOutputStride: Int = 32,
                           file: String) throws(ModelError) -> ResNetConfig {
        guard let preset = timmPreset(name) else {
            throw .invalidConfigValue(file: file, key: nameKey, expected: "one of the timm ResNets \(timmPresetNames)",
                                      found: "the string \"\(name)\"")
        }
        let kind = preset.blockKind
        var depths = preset.depths
        var channels = preset.innerWidths
        let stemWidth = preset.stemWidth
        var baseWidth = 64, outputStride = defaultOutputStride
        var inputChannels = 3
        for object in arguments {
            for key in unsupportedTimmArguments where object.value(key) != nil {
                throw object.error(key, expected: "no '\(key)' (vispipe implements the plain timm ResNet only)")
            }
            if let value = try object.intArray("layers", minimum: 1) {
                guard value.count == 4 else { throw object.error("layers", expected: "4 block counts ≥ 1") }
                depths = value
            }
            if let value = try object.intArray("channels", minimum: 1) {
                guard value.count == 4 else { throw object.error("channels", expected: "4 stage widths ≥ 1") }
                channels = value
            }
            // timm sizes the plain 7x7 stem at 64 whatever `stem_width` says (it only sizes deep stems).
            _ = try object.int("stem_width", default: 64, minimum: 1)
            baseWidth = try object.int("base_width", default: baseWidth, minimum: 1)
            if kind == .basic, baseWidth != 64 { throw object.error("base_width", expected: "64 for basic blocks (timm refuses others)") }
            if let value = object.value("output_stride") {
                let stride = try object.int("output_stride")
                guard [8, 16, 32].contains(stride) else {
                    throw .invalidConfigValue(file: file, key: object.keyPath("output_stride"), expected: "8, 16 or 32", found: value.described)
                }
                outputStride = stride
            }
            for key in ["in_chans", "num_channels"] { inputChannels = try object.int(key, default: inputChannels, minimum: 1) }
            guard try object.bool("features_only", default: true) else {
                throw object.error("features_only", expected: "true (DETR uses the backbone's feature maps)")
            }
            if let indices = try object.intArray("out_indices") {
                guard let last = indices.last, (-5...4).contains(last) else {
                    throw object.error("out_indices", expected: "indices into [act1, layer1, layer2, layer3, layer4]")
                }
                guard last == 4 || last == -1 else {
                    throw object.error("out_indices", expected: "a list ending with the last stage (4 or -1): DETR uses the last listed feature map and vispipe supports layer4 only")
                }
            }
        }
        var config = ResNetConfig.timm(kind, depths: depths, channels: channels, stemWidth: stemWidth,
                                       baseWidth: baseWidth, outputStride: outputStride)
        config.inputChannels = inputChannels
        return config
    }

    /// A Hugging Face `ResNetConfig` (`model_type: "resnet"`), as transformers' `load_backbone`
    /// builds it: `embedding_size`, `hidden_sizes`, `depths`, `layer_type`, `hidden_act`,
    /// `downsample_in_first_stage`, `downsample_in_bottleneck`, `num_channels`, and
    /// `out_features` / `out_indices` (the last listed stage is the one DETR uses).
    static func decodeHuggingFace(_ object: ConfigObject) throws(ModelError) -> ResNetConfig {
        let embeddingSize = try object.int("embedding_size", default: 64, minimum: 1)
        let hiddenSizes = try object.intArray("hidden_sizes", minimum: 1) ?? [256, 512, 1024, 2048]
        let depths = try object.intArray("depths", minimum: 1) ?? [3, 4, 6, 3]
        guard !depths.isEmpty else { throw object.error("depths", expected: "at least one stage") }
        guard hiddenSizes.count == depths.count else {
            throw object.error("hidden_sizes", expected: "one width per stage (\(depths.count), like 'depths')")
        }
        let kind: BlockKind
        switch try object.string("layer_type") ?? "bottleneck" {
        case "basic": kind = .basic
        case "bottleneck": kind = .bottleneck
        default: throw object.error("layer_type", expected: "\"basic\" or \"bottleneck\"")
        }
        if let activation = try object.string("hidden_act"), activation != "relu" {
            throw object.error("hidden_act", expected: "\"relu\" (the only activation vispipe's ResNet implements)")
        }
        if kind == .bottleneck, let bad = hiddenSizes.first(where: { $0 % 4 != 0 }) {
            throw object.error("hidden_sizes", expected: "multiples of 4 for bottleneck blocks (found \(bad))")
        }
        let stageNames = ["stem"] + depths.indices.map { "stage\($0 + 1)" }
        var lastStage = depths.count
        if let indices = try object.intArray("out_indices") {
            guard let last = indices.last, (-stageNames.count..<stageNames.count).contains(last) else {
                throw object.error("out_indices", expected: "indices into \(stageNames)")
            }
            lastStage = last < 0 ? last + stageNames.count : last
        } else if let features = try object.stringArray("out_features") {
            guard let last = features.last, let index = stageNames.firstIndex(of: last) else {
                throw object.error("out_features", expected: "names from \(stageNames)")
            }
            lastStage = index
        }
        guard lastStage == depths.count else {
            let key = object.value("out_indices") != nil ? "out_indices" : "out_features"
            throw object.error(key, expected: "a list ending with the last stage '\(stageNames.last!)': DETR uses the last listed feature map and vispipe supports the final stage only")
        }
        var config = ResNetConfig(blockKind: kind, stemWidth: embeddingSize, depths: depths, stageWidths: hiddenSizes,
                                  bottleneckStride: try object.bool("downsample_in_bottleneck", default: false) ? .firstPointwise : .spatialConvolution,
                                  downsampleInFirstStage: try object.bool("downsample_in_first_stage", default: false))
        config.inputChannels = try object.int("num_channels", default: 3, minimum: 1)
        return config
    }
}
