import VisTensor
import VisWeights

/// Model inputs read from a safetensors file (`--inputs`), by transformers' names.
enum ForwardInputsFile {
    /// The tensors `names` of `path` as float32: F32/F16/BF16 as stored, I64 and U8 (masks as a
    /// processor writes them) converted.
    static func read(_ path: String, names: [String]) throws(CLIFailure) -> [String: Tensor] {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: path) } catch { throw CLIFailure("--inputs: \(error)") }
        var tensors: [String: Tensor] = [:]
        for name in names {
            guard file.entries[name] != nil else {
                throw CLIFailure("--inputs \(path): no tensor '\(name)' (the file has \(file.names.joined(separator: ", ")))")
            }
            do {
                switch try file.entry(name).dtype {
                case .i64:
                    let (shape, values) = try file.int64s(name)
                    tensors[name] = Tensor(shape: shape, data: values.map(Float.init))
                case .u8:
                    let (shape, values) = try file.uint8s(name)
                    tensors[name] = Tensor(shape: shape, data: values.map(Float.init))
                default:
                    tensors[name] = try file.tensor(name)
                }
            } catch {
                throw CLIFailure("--inputs: \(error)")
            }
        }
        return tensors
    }
}
