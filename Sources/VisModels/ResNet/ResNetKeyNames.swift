/// Parameter names of a ResNet. vispipe's ResNet reads timm's names (`conv1`, `bn1`,
/// `layer{s}.{b}.conv{k}`, `layer{s}.{b}.bn{k}`, `layer{s}.{b}.downsample.{0,1}`); checkpoints of
/// Hugging Face's `ResNetModel` / `ResNetBackbone` are renamed to them at load time with
/// `timmName(forHuggingFaceName:)`.
public enum ResNetKeyNames {
    /// The timm name of a parameter of a Hugging Face ResNet, both relative to the ResNet's root
    /// (e.g. the part after `model.backbone.conv_encoder.model.` in a DETR checkpoint):
    ///
    /// | Hugging Face | timm |
    /// |---|---|
    /// | `embedder.embedder.convolution.weight` | `conv1.weight` |
    /// | `embedder.embedder.normalization.X` | `bn1.X` |
    /// | `encoder.stages.{i}.layers.{j}.layer.{k}.convolution.weight` | `layer{i+1}.{j}.conv{k+1}.weight` |
    /// | `encoder.stages.{i}.layers.{j}.layer.{k}.normalization.X` | `layer{i+1}.{j}.bn{k+1}.X` |
    /// | `encoder.stages.{i}.layers.{j}.shortcut.convolution.weight` | `layer{i+1}.{j}.downsample.0.weight` |
    /// | `encoder.stages.{i}.layers.{j}.shortcut.normalization.X` | `layer{i+1}.{j}.downsample.1.X` |
    ///
    /// Returns nil for a name that is not a Hugging Face ResNet parameter name.
    /// The names carry no semantics: where the stride sits, for instance, comes from `ResNetConfig`.
    public static func timmName(forHuggingFaceName name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func norm(_ tail: ArraySlice<String>) -> String? {
            guard tail.count == 2, ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"].contains(tail.last!) else { return nil }
            return tail.last
        }
        func layer(_ kind: String, _ tail: ArraySlice<String>, conv: String, bn: String) -> String? {
            switch kind {
            case "convolution": return tail == ["weight"] ? "\(conv).weight" : nil
            case "normalization": return tail.count == 1 ? norm(["normalization"] + tail).map { "\(bn).\($0)" } : nil
            default: return nil
            }
        }
        if parts.count >= 4, parts[0] == "embedder", parts[1] == "embedder" {
            return layer(parts[2], parts[3...], conv: "conv1", bn: "bn1")
        }
        guard parts.count >= 8, parts[0] == "encoder", parts[1] == "stages", parts[3] == "layers",
              let stage = Int(parts[2]), let block = Int(parts[4]), stage >= 0, block >= 0,
              String(stage) == parts[2], String(block) == parts[4] else { return nil }
        let prefix = "layer\(stage + 1).\(block)"
        if parts[5] == "layer", let index = Int(parts[6]), index >= 0, String(index) == parts[6], parts.count >= 9 {
            return layer(parts[7], parts[8...], conv: "\(prefix).conv\(index + 1)", bn: "\(prefix).bn\(index + 1)")
        }
        if parts[5] == "shortcut" {
            return layer(parts[6], parts[7...], conv: "\(prefix).downsample.0", bn: "\(prefix).downsample.1")
        }
        return nil
    }
}
