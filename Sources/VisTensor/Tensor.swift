/// A dense float32 tensor: row-major, contiguous, value semantics (copy-on-write through `Array`).
///
/// Every operation in this module takes and returns `Tensor`s; layouts follow PyTorch
/// (`[N, C, H, W]` for feature maps, `[B, L, E]` for token sequences) so that reference
/// tensors can be compared element by element.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var storage: [Float]

    /// Wraps `data` laid out row-major in `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(data.count == shape.reduce(1, *),
                     "Tensor: \(data.count) values do not fill shape \(shape)")
        self.shape = shape
        self.storage = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A tensor whose every element is written by `initializer`; skips the zero fill for outputs
    /// that an operation overwrites completely.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.storage = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try initializer(buffer)
            initialized = count
        }
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// Size of dimension `axis`; negative axes count from the end.
    public func size(_ axis: Int) -> Int { shape[axis < 0 ? axis + rank : axis] }

    /// Row-major strides in elements.
    public var strides: [Int] { Tensor.contiguousStrides(shape) }

    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The same values viewed with another shape of equal element count (one dimension may be -1).
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        if inferred.count > 1 { throw .shapeMismatch(op: "reshape", detail: "more than one -1 in \(newShape)") }
        if let axis = inferred.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw .shapeMismatch(op: "reshape", detail: "cannot reshape \(shape) to \(newShape)")
            }
            resolved[axis] = count / known
        }
        guard resolved.reduce(1, *) == count, resolved.allSatisfy({ $0 >= 0 }) else {
            throw .shapeMismatch(op: "reshape", detail: "cannot reshape \(shape) (\(count) values) to \(newShape)")
        }
        var copy = self
        copy.shape = resolved
        return copy
    }

    /// Element at a full multi-index (for tests and small glue code, not for hot loops).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Tensor: index \(index) has rank \(index.count), tensor has shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor: index \(index) out of bounds for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = storage.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
