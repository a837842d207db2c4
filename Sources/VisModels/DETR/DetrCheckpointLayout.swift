import Foundation
import VisTensor
import VisWeights

/// The tensor-naming layouts in which DETR object-detection checkpoints are found, and their
/// translation to vispipe's canonical names. All DETR key renaming is decided in this file
/// (`DetrModel.load(directory:)` goes through `canonicalWeights(from:)`).
///
/// Canonical names are those `DetrForObjectDetection.save_pretrained` writes (transformers 5.23,
/// the same as the hub's `facebook/detr-resnet-50` file), with the backbone under timm's ResNet
/// names: `model.backbone.conv_encoder.model.layer1.0.conv1.weight`,
/// `model.encoder.layers.0.self_attn.q_proj.weight`, `model.decoder.layers.0.fc1.weight`,
/// `class_labels_classifier.weight`, `bbox_predictor.layers.2.bias`, …
///
/// Independently of the layout, a backbone stored under Hugging Face's own ResNet names
/// (`embedder.embedder.convolution`, `encoder.stages.i.layers.j.layer.k…`, written when the
/// config holds a `ResNetConfig` instead of a timm backbone) is renamed to timm's names with
/// `ResNetKeyNames.timmName(forHuggingFaceName:)`, so the ResNet code sees one naming only. `num_batches_tracked` buffers are dropped everywhere.
public enum DetrCheckpointLayout: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// The hub file / `save_pretrained` names; canonical as they are.
    case hub
    /// `model.state_dict()` of a transformers 5 `DetrForObjectDetection` in memory, which
    /// transformers renames on load: `model.backbone.model.*` (hub `model.backbone.conv_encoder.model.*`),
    /// `o_proj` (hub `out_proj`) and `layers.N.mlp.fc1`/`fc2` (hub `layers.N.fc1`/`fc2`).
    case transformers5
    /// The facebookresearch/detr state dict (`backbone.0.body.*`, `transformer.*`, `query_embed`,
    /// `input_proj`, `class_embed`, `bbox_embed`), with each attention's q, k and v stacked in
    /// `in_proj_weight` `[3E, E]` / `in_proj_bias` `[3E]`, split at load time.
    case original

    public var description: String {
        switch self {
        case .hub: return "hub (save_pretrained)"
        case .transformers5: return "transformers 5 in-memory"
        case .original: return "facebookresearch/detr"
        }
    }

    // MARK: Detection

    /// The layout a set of tensor names is in, judged from names only one layout uses; `nil`
    /// when no layout's names occur, or when names of several layouts are mixed.
    public static func detect(names: some Sequence<String>) -> DetrCheckpointLayout? {
        var seen: Set<DetrCheckpointLayout> = []
        for name in names {
            if let layout = distinctiveLayout(of: name) { seen.insert(layout) }
            if seen.count > 1 { return nil }
        }
        return seen.first
    }

    /// The layout a single name belongs to, when only one layout uses it.
    private static func distinctiveLayout(of name: String) -> DetrCheckpointLayout? {
        if Original.prefixes.contains(where: { name.hasPrefix($0) }) { return .original }
        guard name.hasPrefix("model.") else { return nil }
        if name.hasPrefix(Transformers5.backbonePrefix) { return .transformers5 }
        if name.hasPrefix(canonicalBackbonePrefix) { return .hub }
        let parts = name.split(separator: ".")
        if parts.contains("o_proj") || Transformers5.mlpIndex(in: parts) != nil { return .transformers5 }
        if parts.contains("out_proj") || isLayerFeedForward(parts) { return .hub }
        return nil
    }

    /// `… layers N fc1|fc2 …`: the hub's feed-forward names.
    private static func isLayerFeedForward(_ parts: [Substring]) -> Bool {
        parts.indices.dropFirst(2).contains { i in
            (parts[i] == "fc1" || parts[i] == "fc2") && parts[i - 2] == "layers" && Int(parts[i - 1]) != nil
        }
    }

    // MARK: Renaming

    /// What becomes of one checkpoint name.
    enum Renaming: Equatable {
        /// Stored under this canonical name (stacked `in_proj_*` names are split afterwards).
        case renamed(String)
        /// Not loaded (`num_batches_tracked`).
        case dropped
        /// No canonical counterpart: the load fails, naming it.
        case unmapped
    }

    /// The canonical prefix of every backbone tensor (followed by timm ResNet names).
    static let canonicalBackbonePrefix = DetrModel.backbonePrefix

    /// The canonical fate of `name` in this layout.
    func renaming(of name: String) -> Renaming {
        if name.hasSuffix(".num_batches_tracked") { return .dropped }
        switch self {
        case .hub:
            return Self.canonicalBackbone(name, prefix: Self.canonicalBackbonePrefix) ?? .renamed(name)
        case .transformers5:
            if let backbone = Self.canonicalBackbone(name, prefix: Transformers5.backbonePrefix) { return backbone }
            return .renamed(Transformers5.canonicalName(name))
        case .original:
            return Original.canonicalName(name).map(Renaming.renamed) ?? .unmapped
        }
    }

    /// For a backbone name under `prefix`: the canonical name, translating HF ResNet names
    /// (`embedder.*`, `encoder.stages.*`) to timm's.
    private static func canonicalBackbone(_ name: String, prefix: String) -> Renaming? {
        guard name.hasPrefix(prefix) else { return nil }
        let inner = String(name.dropFirst(prefix.count))
        guard inner.hasPrefix("embedder.") || inner.hasPrefix("encoder.") else {
            return .renamed(canonicalBackbonePrefix + inner)
        }
        // The one statement of the HF -> timm mapping is a ResNet fact, kept with the ResNet code.
        return ResNetKeyNames.timmName(forHuggingFaceName: inner).map { .renamed(canonicalBackbonePrefix + $0) } ?? .unmapped
    }

    /// transformers 5's in-memory renames, undone.
    private enum Transformers5 {
        static let backbonePrefix = "model.backbone.model."

        /// Index of `mlp` in `… layers N mlp fc1|fc2 …`.
        static func mlpIndex(in parts: [Substring]) -> Int? {
            parts.indices.dropFirst(2).dropLast().first { i in
                parts[i] == "mlp" && parts[i - 2] == "layers" && Int(parts[i - 1]) != nil
                    && (parts[i + 1] == "fc1" || parts[i + 1] == "fc2")
            }
        }

        static func canonicalName(_ name: String) -> String {
            var parts = name.split(separator: ".")
            if let mlp = mlpIndex(in: parts) { parts.remove(at: mlp) }
            return parts.map { $0 == "o_proj" ? "out_proj" : $0 }.joined(separator: ".")
        }
    }

    /// facebookresearch/detr names (models/detr.py, transformer.py, backbone.py), to canonical.
    private enum Original {
        static let prefixes = ["backbone.0.", "backbone.1.", "transformer.", "input_proj.", "query_embed.",
                               "class_embed.", "bbox_embed."]

        /// Per-layer modules of the original encoder and decoder layers, with their canonical names.
        static let encoderModules = ["self_attn": "self_attn", "linear1": "fc1", "linear2": "fc2",
                                     "norm1": "self_attn_layer_norm", "norm2": "final_layer_norm"]
        static let decoderModules = ["self_attn": "self_attn", "multihead_attn": "encoder_attn",
                                     "linear1": "fc1", "linear2": "fc2", "norm1": "self_attn_layer_norm",
                                     "norm2": "encoder_attn_layer_norm", "norm3": "final_layer_norm"]
        /// What an attention module holds (the stacked projection is split after loading).
        static let attentionLeaves: Set<String> = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]

        static func canonicalName(_ name: String) -> String? {
            func replacing(_ prefix: String, with replacement: String, leaves: Set<String>) -> String? {
                guard name.hasPrefix(prefix) else { return nil }
                let rest = String(name.dropFirst(prefix.count))
                return leaves.contains(rest) ? replacement + rest : nil
            }
            let parameter: Set<String> = ["weight", "bias"]
            if name.hasPrefix("backbone.0.body.") {
                // torchvision's ResNet names, which timm shares.
                return canonicalBackbonePrefix + name.dropFirst("backbone.0.body.".count)
            }
            if let renamed = replacing("input_proj.", with: "model.input_projection.", leaves: parameter)
                ?? replacing("query_embed.", with: "model.query_position_embeddings.", leaves: ["weight"])
                ?? replacing("class_embed.", with: "class_labels_classifier.", leaves: parameter)
                ?? replacing("transformer.decoder.norm.", with: "model.decoder.layernorm.", leaves: parameter) {
                return renamed
            }
            let parts = name.split(separator: ".").map(String.init)
            if parts.count == 4, parts[0] == "bbox_embed", parts[1] == "layers", Int(parts[2]) != nil,
               parameter.contains(parts[3]) {
                return "bbox_predictor.layers.\(parts[2]).\(parts[3])"
            }
            // transformer.{encoder,decoder}.layers.N.<module>.<leaf…>
            guard parts.count >= 6, parts[0] == "transformer", parts[2] == "layers", Int(parts[3]) != nil else { return nil }
            let modules: [String: String]
            switch parts[1] {
            case "encoder": modules = encoderModules
            case "decoder": modules = decoderModules
            default: return nil
            }
            guard let module = modules[parts[4]] else { return nil }
            let leaf = parts[5...].joined(separator: ".")
            let isAttention = parts[4] == "self_attn" || parts[4] == "multihead_attn"
            guard isAttention ? attentionLeaves.contains(leaf) : parameter.contains(leaf) else { return nil }
            return "model.\(parts[1]).layers.\(parts[3]).\(module).\(leaf)"
        }
    }

    // MARK: Loading

    /// The checkpoint's tensors under canonical names, in whatever layout it was saved: detects
    /// the layout, renames every name (HF ResNet backbone names to timm's), drops
    /// `num_batches_tracked`, and splits stacked `in_proj_weight`/`in_proj_bias` into
    /// `q_proj`, `k_proj`, `v_proj` (rows in that order, as `nn.MultiheadAttention` stacks them).
    ///
    /// - Throws: `ModelError.unrecognisedCheckpointLayout` (with sample names) when the layout
    ///   cannot be told, `.unmappedCheckpointNames` listing every name without a canonical
    ///   counterpart, `.weights` (naming the checkpoint's folder) when reading or splitting fails.
    public static func canonicalWeights(from checkpoint: Checkpoint) throws(ModelError) -> WeightStore {
        let names = checkpoint.names
        guard let layout = detect(names: names) else {
            throw .unrecognisedCheckpointLayout(file: checkpoint.path, model: "DETR", knownLayouts: allCases.map(\.description),
                                                tensorCount: names.count, sampleNames: Array(names.prefix(8)))
        }
        return try canonicalWeights(from: checkpoint, layout: layout)
    }

    /// The checkpoint's tensors under canonical names, read as `layout` (see `canonicalWeights(from:)`).
    public static func canonicalWeights(from checkpoint: Checkpoint, layout: DetrCheckpointLayout) throws(ModelError) -> WeightStore {
        var canonical: [String: String] = [:]
        var unmapped: [String] = []
        for name in checkpoint.names {
            switch layout.renaming(of: name) {
            case .renamed(let target): canonical[name] = target
            case .dropped: break
            case .unmapped: unmapped.append(name)
            }
        }
        guard unmapped.isEmpty else {
            throw .unmappedCheckpointNames(file: checkpoint.path, layout: layout.description, names: unmapped)
        }
        do throws(WeightsError) {
            var store = try WeightStore(checkpoint: checkpoint) { canonical[$0] }
            for name in store.remainingNames {
                for (stacked, parameter) in [(".in_proj_weight", "weight"), (".in_proj_bias", "bias")] where name.hasSuffix(stacked) {
                    let module = name.dropLast(stacked.count)
                    try store.splitAlongFirstAxis(name, into: ["q", "k", "v"].map { "\(module).\($0)_proj.\(parameter)" })
                }
            }
            return store
        } catch {
            throw .weights(directory: (checkpoint.path as NSString).deletingLastPathComponent, error)
        }
    }
}
