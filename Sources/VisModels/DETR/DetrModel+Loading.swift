import Foundation
import VisWeights

extension DetrModel {
    /// Loads `config.json` and `model.safetensors` (or a sharded `model.safetensors.index.json`)
    /// from `directory`.
    ///
    /// Checkpoint names are made canonical by `hubRenaming`, which covers what transformers'
    /// `save_pretrained` writes (timm- or Hugging-Face-ResNet-named backbones).
    public static func load(directory: String) throws(ModelError) -> DetrModel {
        let config = try DetrConfig.load(directory: directory)
        var weights: WeightStore
        do {
            let checkpoint = try Checkpoint.open(directory: directory)
            weights = try WeightStore(checkpoint: checkpoint, renaming: hubRenaming)
        } catch {
            throw .weights(directory: directory, error)
        }
        return try DetrModel(config: config, weights: &weights, source: directory)
    }

    /// Canonical name of a hub-layout checkpoint key: `num_batches_tracked` buffers are dropped and
    /// Hugging Face ResNet backbone names become timm names; everything else is already canonical.
    /// (The full set of layouts is `DetrCheckpointLayout`'s job; this covers `save_pretrained`'s.)
    static func hubRenaming(_ key: String) -> String? {
        if key.hasSuffix(".num_batches_tracked") { return nil }
        guard key.hasPrefix(backbonePrefix) else { return key }
        let local = String(key.dropFirst(backbonePrefix.count))
        return ResNetKeyNames.timmName(forHuggingFaceName: local).map { backbonePrefix + $0 } ?? key
    }
}
