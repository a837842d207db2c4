import VisWeights

extension DetrModel {
    /// Loads `config.json` and `model.safetensors` (or a sharded `model.safetensors.index.json`,
    /// or the folder's only `*.safetensors` file) from `directory`.
    ///
    /// The checkpoint may be in any layout `DetrCheckpointLayout` knows (the hub / `save_pretrained`
    /// file, a transformers 5 in-memory state dict, the facebookresearch/detr state dict), with a
    /// timm- or Hugging-Face-ResNet-named backbone; it is renamed to canonical names before the
    /// strict verification of `init(config:weights:)`.
    ///
    /// - Throws: `ModelError` naming the directory or file: an unreadable or invalid `config.json`,
    ///   an unreadable checkpoint, an unrecognised layout or unmapped names, or tensors that do not
    ///   fit the configuration (all listed).
    public static func load(directory: String) throws(ModelError) -> DetrModel {
        let config = try DetrConfig.load(directory: directory)
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(directory: directory)
        } catch {
            throw .weights(directory: directory, error)
        }
        var weights = try DetrCheckpointLayout.canonicalWeights(from: checkpoint)
        return try DetrModel(config: config, weights: &weights, source: directory)
    }
}
