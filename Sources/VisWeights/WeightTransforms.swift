import VisTensor

/// Load-time reshaping of checkpoint tensors into the layout a model expects.
public enum WeightTransforms {
    /// Splits `tensor` along axis 0 into consecutive pieces of `sizes[i]` rows each, e.g. a stacked
    /// attention `in_proj_weight` `[3E, E]` into q, k and v with sizes `[E, E, E]`. The sizes must
    /// add up to the first dimension.
    public static func splitAlongFirstAxis(_ tensor: Tensor, sizes: [Int]) throws(WeightsError) -> [Tensor] {
        guard tensor.rank >= 1 else {
            throw .invalidArgument(operation: "splitAlongFirstAxis", reason: "cannot split a scalar (shape [])")
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == tensor.shape[0] else {
            throw .invalidArgument(operation: "splitAlongFirstAxis", reason: "sizes \(sizes) do not add up to the first dimension of \(tensor.shape)")
        }
        let rowLength = tensor.shape.dropFirst().reduce(1, *)
        var pieces: [Tensor] = []
        var start = 0
        for size in sizes {
            let shape = [size] + tensor.shape.dropFirst()
            pieces.append(Tensor(shape: shape, data: Array(tensor.storage[(start * rowLength)..<((start + size) * rowLength)])))
            start += size
        }
        return pieces
    }

    /// Splits `tensor` along axis 0 into `parts` equal pieces; the first dimension must divide evenly.
    public static func splitAlongFirstAxis(_ tensor: Tensor, parts: Int) throws(WeightsError) -> [Tensor] {
        guard parts > 0 else { throw .invalidArgument(operation: "splitAlongFirstAxis", reason: "cannot split into \(parts) parts") }
        guard tensor.rank >= 1, tensor.shape[0] % parts == 0 else {
            throw .invalidArgument(operation: "splitAlongFirstAxis", reason: "first dimension of \(tensor.shape) does not divide into \(parts) equal parts")
        }
        return try splitAlongFirstAxis(tensor, sizes: Array(repeating: tensor.shape[0] / parts, count: parts))
    }
}
