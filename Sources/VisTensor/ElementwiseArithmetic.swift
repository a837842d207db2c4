// Elementwise add, subtract, multiply and divide with NumPy/PyTorch broadcasting, plus scalar forms.

/// The shape two operands broadcast to under NumPy/PyTorch rules: shapes are aligned at their last
/// axis, and each pair of sizes must be equal or contain a 1.
public func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast") throws(TensorError) -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
        let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
        let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
        if da == db || db == 1 {
            result[axis] = da
        } else if da == 1 {
            result[axis] = db
        } else {
            throw .shapeMismatch(op: op, detail: "cannot broadcast \(a) with \(b) (axis \(axis): \(da) vs \(db))")
        }
    }
    return result
}

/// `a + b`, broadcasting as PyTorch does (`[2, 1, 4] + [3, 1]` gives `[2, 3, 4]`).
public func add(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
    try broadcastElementwise(AddFloats.self, op: "add", a, b)
}

/// `a - b`, broadcasting as PyTorch does.
public func subtract(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
    try broadcastElementwise(SubtractFloats.self, op: "subtract", a, b)
}

/// `a * b` elementwise, broadcasting as PyTorch does.
public func multiply(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
    try broadcastElementwise(MultiplyFloats.self, op: "multiply", a, b)
}

/// `a / b` elementwise, broadcasting as PyTorch does (IEEE division: `x / 0` is ±inf or NaN).
public func divide(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
    try broadcastElementwise(DivideFloats.self, op: "divide", a, b)
}

/// `a + scalar` for every element.
public func add(_ a: Tensor, _ scalar: Float) -> Tensor { mapElements(a) { $0 + scalar } }

/// `a - scalar` for every element.
public func subtract(_ a: Tensor, _ scalar: Float) -> Tensor { mapElements(a) { $0 - scalar } }

/// `a * scalar` for every element.
public func multiply(_ a: Tensor, _ scalar: Float) -> Tensor { mapElements(a) { $0 * scalar } }

/// `a / scalar` for every element.
public func divide(_ a: Tensor, _ scalar: Float) -> Tensor { mapElements(a) { $0 / scalar } }

// MARK: - Implementation

/// One binary float operation; a type rather than a closure so that the loops below are
/// specialised per operation and vectorise.
protocol BinaryFloatOperation {
    static func apply(_ x: Float, _ y: Float) -> Float
}
enum AddFloats: BinaryFloatOperation { @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x + y } }
enum SubtractFloats: BinaryFloatOperation { @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x - y } }
enum MultiplyFloats: BinaryFloatOperation { @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x * y } }
enum DivideFloats: BinaryFloatOperation { @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x / y } }

/// Elements per thread below which splitting work across threads costs more than it saves.
let elementwiseGrain = 1 << 15

private func mapElements(_ a: Tensor, _ transform: (Float) -> Float) -> Tensor {
    Tensor(shape: a.shape) { out in
        a.storage.withUnsafeBufferPointer { src in
            for i in 0..<src.count { out[i] = transform(src[i]) }
        }
    }
}

/// Broadcast binary operation. The output is walked as rows of its (coalesced) last axis; within a
/// row each operand either advances by one element or repeats one element, so the inner loops are
/// plain contiguous loops without index arithmetic.
private func broadcastElementwise<Operation: BinaryFloatOperation>(
    _: Operation.Type, op: String, _ a: Tensor, _ b: Tensor
) throws(TensorError) -> Tensor {
    let outShape = try broadcastShape(a.shape, b.shape, op: op)
    let total = outShape.reduce(1, *)
    if total == 0 { return Tensor(zeros: outShape) }

    // Strides of each operand in output coordinates, 0 along broadcast axes; then merge adjacent
    // axes that both operands traverse the same way.
    let plan = BroadcastPlan(outShape: outShape, operandShapes: [a.shape, b.shape])
    let rowLength = plan.dims.last ?? 1
    let strideA = plan.strides[0].last ?? 0
    let strideB = plan.strides[1].last ?? 0
    let rows = total / rowLength

    return Tensor(shape: outShape) { out in
        let outBase = out.baseAddress!
        a.storage.withUnsafeBufferPointer { bufferA in
            b.storage.withUnsafeBufferPointer { bufferB in
                let pa = bufferA.baseAddress!, pb = bufferB.baseAddress!
                Parallelism.forEach(rows, minimumPerThread: max(1, elementwiseGrain / rowLength)) { row in
                    let (offsetA, offsetB) = plan.rowOffsets(row)
                    let x = pa + offsetA, y = pb + offsetB, z = outBase + row * rowLength
                    switch (strideA, strideB) {
                    case (1, 1): for i in 0..<rowLength { z[i] = Operation.apply(x[i], y[i]) }
                    case (1, _): let s = y[0]; for i in 0..<rowLength { z[i] = Operation.apply(x[i], s) }
                    case (_, 1): let s = x[0]; for i in 0..<rowLength { z[i] = Operation.apply(s, y[i]) }
                    default: let s = Operation.apply(x[0], y[0]); for i in 0..<rowLength { z[i] = s }
                    }
                }
            }
        }
    }
}

/// Output dimensions and per-operand strides after dropping size-1 axes and merging axes that every
/// operand walks contiguously (or every operand repeats), so that a `[2, 3, 4] + [4]` runs as
/// 6 rows of 4 and `[8, 8] + [8, 8]` as one row of 64.
struct BroadcastPlan {
    /// Coalesced output dimensions (at least one).
    let dims: [Int]
    /// For each operand, its stride along each coalesced dimension (0 where it is broadcast).
    let strides: [[Int]]

    init(outShape: [Int], operandShapes: [[Int]]) {
        let rank = outShape.count
        var aligned: [[Int]] = operandShapes.map { shape in
            let own = Tensor.contiguousStrides(shape)
            return (0..<rank).map { axis in
                let k = axis - (rank - shape.count)
                return (k < 0 || shape[k] == 1) ? 0 : own[k]
            }
        }
        var dims = outShape
        // Drop size-1 output axes: they contribute nothing to any offset.
        let kept = (0..<rank).filter { dims[$0] != 1 }
        dims = kept.map { dims[$0] }
        aligned = aligned.map { s in kept.map { s[$0] } }
        // Merge axis i into i+1 when every operand's stride satisfies stride[i] == stride[i+1] * dim[i+1].
        var i = dims.count - 2
        while i >= 0 {
            let mergeable = aligned.allSatisfy { $0[i] == $0[i + 1] * dims[i + 1] }
            if mergeable {
                dims[i + 1] *= dims[i]
                dims.remove(at: i)
                for k in aligned.indices { aligned[k].remove(at: i) }
            }
            i -= 1
        }
        if dims.isEmpty {
            dims = [1]
            aligned = aligned.map { _ in [0] }
        }
        self.dims = dims
        self.strides = aligned
    }

    /// Element offsets of the first element of output row `row` (a row spans the last dimension)
    /// in the first two operands.
    @inline(__always)
    func rowOffsets(_ row: Int) -> (Int, Int) {
        var remaining = row
        var offsetA = 0, offsetB = 0
        var axis = dims.count - 2
        while axis >= 0 {
            let index = remaining % dims[axis]
            remaining /= dims[axis]
            offsetA += index * strides[0][axis]
            offsetB += index * strides[1][axis]
            axis -= 1
        }
        return (offsetA, offsetB)
    }
}
