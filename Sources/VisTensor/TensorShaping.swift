// Shape-changing copies along one axis: concatenate, slice, split, and flatten (a reshape).

/// Resolves a possibly negative `axis` against `rank`, or throws naming `op` and `shape`.
func resolvedAxis(_ axis: Int, rank: Int, op: String, shape: [Int]) throws(TensorError) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else {
        throw .invalidArgument(op: op, detail: "axis \(axis) out of range for shape \(shape)")
    }
    return resolved
}

/// The tensors joined along `axis`, as `torch.cat(tensors, dim: axis)`. All must have the same rank
/// and equal sizes on every other axis.
public func concatenate(_ tensors: [Tensor], axis: Int) throws(TensorError) -> Tensor {
    guard let first = tensors.first else {
        throw .invalidArgument(op: "concatenate", detail: "no tensors to concatenate")
    }
    let rank = first.rank
    let a = try resolvedAxis(axis, rank: rank, op: "concatenate", shape: first.shape)
    for t in tensors where t.rank != rank || !(0..<rank).allSatisfy({ $0 == a || t.shape[$0] == first.shape[$0] }) {
        throw .shapeMismatch(op: "concatenate",
                             detail: "shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
    }
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let outer = first.shape[..<a].reduce(1, *)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    let outRow = outShape[a] * inner

    var result = Tensor(zeros: outShape)
    result.storage.withUnsafeMutableBufferPointer { out in
        var column = 0
        for t in tensors {
            let chunk = t.shape[a] * inner
            t.storage.withUnsafeBufferPointer { src in
                for o in 0..<outer where chunk > 0 {
                    (out.baseAddress! + o * outRow + column).update(from: src.baseAddress! + o * chunk, count: chunk)
                }
            }
            column += chunk
        }
    }
    return result
}

/// The elements of `x` whose index along `axis` lies in `range` (as `x.narrow(axis, start, length)`).
public func slice(_ x: Tensor, axis: Int, range: Range<Int>) throws(TensorError) -> Tensor {
    let a = try resolvedAxis(axis, rank: x.rank, op: "slice", shape: x.shape)
    guard range.lowerBound >= 0, range.upperBound <= x.shape[a] else {
        throw .invalidArgument(op: "slice", detail: "range \(range) outside 0..<\(x.shape[a]) on axis \(axis) of \(x.shape)")
    }
    var outShape = x.shape
    outShape[a] = range.count
    let outer = x.shape[..<a].reduce(1, *)
    let inner = x.shape[(a + 1)...].reduce(1, *)
    let inRow = x.shape[a] * inner, chunk = range.count * inner
    return Tensor(shape: outShape) { out in
        x.storage.withUnsafeBufferPointer { src in
            for o in 0..<outer where chunk > 0 {
                (out.baseAddress! + o * chunk).update(from: src.baseAddress! + o * inRow + range.lowerBound * inner, count: chunk)
            }
        }
    }
}

/// `x` cut along `axis` into consecutive pieces of the given sizes (as `torch.split(x, sizes, axis)`);
/// the sizes must add up to the axis length.
public func split(_ x: Tensor, axis: Int, sizes: [Int]) throws(TensorError) -> [Tensor] {
    let a = try resolvedAxis(axis, rank: x.rank, op: "split", shape: x.shape)
    guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == x.shape[a] else {
        throw .shapeMismatch(op: "split", detail: "sizes \(sizes) do not add up to \(x.shape[a]) on axis \(axis) of \(x.shape)")
    }
    var pieces: [Tensor] = []
    var start = 0
    for size in sizes {
        pieces.append(try slice(x, axis: a, range: start..<(start + size)))
        start += size
    }
    return pieces
}

/// `x` with axes `startAxis...endAxis` merged into one, as `torch.flatten(x, start, end)`.
/// No copy: the storage is shared.
public func flatten(_ x: Tensor, startAxis: Int = 0, endAxis: Int = -1) throws(TensorError) -> Tensor {
    if x.rank == 0 { return try x.reshaped([1]) }
    let start = try resolvedAxis(startAxis, rank: x.rank, op: "flatten", shape: x.shape)
    let end = try resolvedAxis(endAxis, rank: x.rank, op: "flatten", shape: x.shape)
    guard start <= end else {
        throw .invalidArgument(op: "flatten", detail: "start axis \(startAxis) comes after end axis \(endAxis) for \(x.shape)")
    }
    let merged = x.shape[start...end].reduce(1, *)
    return try x.reshaped(Array(x.shape[..<start]) + [merged] + Array(x.shape[(end + 1)...]))
}
