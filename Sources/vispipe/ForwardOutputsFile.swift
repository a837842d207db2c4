import VisTensor
import VisWeights

/// Writes a forward pass's inputs and outputs (`--out`) as float32 safetensors, atomically.
enum ForwardOutputsFile {
    static func write(_ tensors: [(name: String, tensor: Tensor)], to path: String) throws(CLIFailure) {
        var writer = SafetensorsWriter(metadata: ["format": "pt", "producer": "vispipe \(VispipeVersion.string)"])
        do {
            for (name, tensor) in tensors { try writer.add(name, tensor) }
            try writer.write(to: path)
        } catch {
            throw CLIFailure("--out: \(error)")
        }
    }

    /// `name [shape], …`, for the line saying what was written.
    static func summary(_ tensors: [(name: String, tensor: Tensor)]) -> String {
        tensors.map { "\($0.name) \($0.tensor.shape)" }.joined(separator: ", ")
    }
}
