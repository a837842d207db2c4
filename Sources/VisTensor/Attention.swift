// Scaled dot-product attention and torch.nn.MultiheadAttention (batch_first) for inference.
import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scaled dot-product attention on `[B, H, L, D]` tensors, as `F.scaled_dot_product_attention`:
/// `softmax(q kᵀ · scale + mask) v` for each batch element and head.
///
/// - Parameters:
///   - query: `[B, H, Lq, D]`.
///   - key: `[B, H, Lk, D]`.
///   - value: `[B, H, Lk, Dv]`.
///   - attentionMask: an additive float mask broadcastable to `[B, H, Lq, Lk]` (use `-inf` to forbid a pair).
///   - keyPaddingMask: `[B, Lk]`; ignored keys get no weight.
///   - causal: query `i` sees only keys `j <= i` (top-left aligned when `Lq != Lk`, as torch's `is_causal`).
///     Unlike torch, this may be combined with `attentionMask`; both apply.
///   - scale: multiplies `q kᵀ`; defaults to `1 / sqrt(D)`.
///   - returnWeights: also return the softmax weights `[B, H, Lq, Lk]`.
/// - Returns: the output `[B, H, Lq, Dv]` and, when asked for, the weights.
///
/// A query row whose keys are all masked gets all-zero weights and a zero output, as torch's SDPA
/// does (its `need_weights` path in `nn.MultiheadAttention` gives NaN instead); partially masked rows
/// are an ordinary softmax over the remaining keys.
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor,
    attentionMask: Tensor? = nil, keyPaddingMask: KeyPaddingMask? = nil,
    causal: Bool = false, scale: Float? = nil, returnWeights: Bool = false
) throws(TensorError) -> (output: Tensor, weights: Tensor?) {
    let op = "scaledDotProductAttention"
    guard query.rank == 4, key.rank == 4, value.rank == 4 else {
        throw .shapeMismatch(op: op, detail: "query \(query.shape), key \(key.shape), value \(value.shape) must all be [B, H, L, D]")
    }
    let (batch, heads, lq, d) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let (lk, dv) = (key.shape[2], value.shape[3])
    guard key.shape == [batch, heads, lk, d], value.shape[0..<3] == [batch, heads, lk] else {
        throw .shapeMismatch(op: op, detail: "query \(query.shape), key \(key.shape), value \(value.shape) disagree (expected key [\(batch), \(heads), Lk, \(d)] and value [\(batch), \(heads), Lk, Dv])")
    }
    let geometry = AttentionGeometry(batch: batch, heads: heads, queryLength: lq, keyLength: lk, headDim: d, valueDim: dv)
    let mask = try attentionMask.map { m throws(TensorError) in
        try BroadcastAttentionMask(m, batch: batch, heads: heads, queryLength: lq, keyLength: lk, op: op)
    }
    try checkPadding(keyPaddingMask, batch: batch, keyLength: lk, op: op)

    var weights = returnWeights ? Tensor(zeros: [batch, heads, lq, lk]) : nil
    let output = Tensor(shape: [batch, heads, lq, dv]) { out in
        query.storage.withUnsafeBufferPointer { q in
            key.storage.withUnsafeBufferPointer { k in
                value.storage.withUnsafeBufferPointer { v in
                    // Contiguous [B, H, L, D]: heads follow one another, rows are D apart.
                    let layout = { (base: UnsafePointer<Float>, length: Int, width: Int) in
                        HeadLayout(base: base, batchStride: heads * length * width, headStride: length * width, rowStride: width)
                    }
                    attend(geometry,
                           query: layout(q.baseAddress!, lq, d), key: layout(k.baseAddress!, lk, d),
                           value: layout(v.baseAddress!, lk, dv),
                           output: MutableHeadLayout(base: out.baseAddress!, batchStride: heads * lq * dv, headStride: lq * dv, rowStride: dv),
                           scale: scale ?? 1 / Float(d).squareRoot(), mask: mask, padding: keyPaddingMask,
                           causal: causal, weights: &weights)
                }
            }
        }
    }
    return (output, weights)
}

/// Projection parameters of `torch.nn.MultiheadAttention`, with query, key and value projections
/// kept apart (torch packs them into `in_proj_weight` when `kdim == vdim == embed_dim`).
/// Weights are `[out, in]` as in `nn.Linear`.
public struct MultiHeadAttentionWeights: Sendable {
    /// `[E, E]` and `[E]`.
    public let qWeight: Tensor, qBias: Tensor?
    /// `[E, kdim]` and `[E]`.
    public let kWeight: Tensor, kBias: Tensor?
    /// `[E, vdim]` and `[E]`.
    public let vWeight: Tensor, vBias: Tensor?
    /// `[E, E]` and `[E]` (`out_proj`).
    public let outWeight: Tensor, outBias: Tensor?

    public var embedDim: Int { qWeight.shape[0] }
    public var keyDim: Int { kWeight.shape[1] }
    public var valueDim: Int { vWeight.shape[1] }

    public init(qWeight: Tensor, qBias: Tensor?, kWeight: Tensor, kBias: Tensor?,
                vWeight: Tensor, vBias: Tensor?, outWeight: Tensor, outBias: Tensor?) throws(TensorError) {
        let op = "MultiHeadAttentionWeights"
        guard qWeight.rank == 2, qWeight.shape[0] == qWeight.shape[1] else {
            throw .shapeMismatch(op: op, detail: "q weight \(qWeight.shape) is not [E, E]")
        }
        let e = qWeight.shape[0]
        for (name, w) in [("k", kWeight), ("v", vWeight)] where w.rank != 2 || w.shape[0] != e {
            throw .shapeMismatch(op: op, detail: "\(name) weight \(w.shape) is not [\(e), in] (q weight is \(qWeight.shape))")
        }
        guard outWeight.shape == [e, e] else {
            throw .shapeMismatch(op: op, detail: "out weight \(outWeight.shape) is not [\(e), \(e)]")
        }
        for (name, b) in [("q", qBias), ("k", kBias), ("v", vBias), ("out", outBias)] {
            if let b, b.shape != [e] {
                throw .shapeMismatch(op: op, detail: "\(name) bias \(b.shape) is not [\(e)]")
            }
        }
        (self.qWeight, self.qBias, self.kWeight, self.kBias) = (qWeight, qBias, kWeight, kBias)
        (self.vWeight, self.vBias, self.outWeight, self.outBias) = (vWeight, vBias, outWeight, outBias)
    }

    /// Splits torch's packed `in_proj_weight` `[3E, E]` and `in_proj_bias` `[3E]` (query, key, value rows in that order).
    public init(inProjWeight: Tensor, inProjBias: Tensor?, outWeight: Tensor, outBias: Tensor?) throws(TensorError) {
        guard inProjWeight.rank == 2, inProjWeight.shape[0] == 3 * inProjWeight.shape[1] else {
            throw .shapeMismatch(op: "MultiHeadAttentionWeights", detail: "in_proj_weight \(inProjWeight.shape) is not [3E, E]")
        }
        let e = inProjWeight.shape[1]
        if let inProjBias, inProjBias.shape != [3 * e] {
            throw .shapeMismatch(op: "MultiHeadAttentionWeights", detail: "in_proj_bias \(inProjBias.shape) is not [\(3 * e)]")
        }
        let w = try split(inProjWeight, axis: 0, sizes: [e, e, e])
        let b = try inProjBias.map { bias throws(TensorError) in try split(bias, axis: 0, sizes: [e, e, e]) }
        try self.init(qWeight: w[0], qBias: b?[0], kWeight: w[1], kBias: b?[1],
                      vWeight: w[2], vBias: b?[2], outWeight: outWeight, outBias: outBias)
    }
}

/// `torch.nn.MultiheadAttention(E, numHeads, batch_first=True)` in eval mode with separate query,
/// key and value inputs.
///
/// - Parameters:
///   - query: `[B, Lq, E]`.
///   - key: `[B, Lk, kdim]`.
///   - value: `[B, Lk, vdim]`.
///   - attentionMask: additive float mask `[Lq, Lk]` (shared by all batch elements and heads) or
///     `[B * numHeads, Lq, Lk]` (index `b * numHeads + h`, as torch).
///   - keyPaddingMask: `[B, Lk]`, `true` = ignore that key.
///   - causal: query `i` sees only keys `j <= i`, as the mask `generate_square_subsequent_mask` gives.
///   - returnWeights: also return the attention weights per head, `[B, numHeads, Lq, Lk]`
///     (torch's `average_attn_weights=False`; see `averagedOverHeads` for the default).
/// - Returns: the output `[B, Lq, E]` and, when asked for, the weights.
///
/// Queries whose keys are all masked attend to nothing: their attention result is zero, so their
/// output is the out-projection bias, as torch's SDPA path gives (its weights path gives NaN).
/// Dropout, `add_bias_kv` and `add_zero_attn` are not supported (inference with torch's defaults).
public func multiHeadAttention(
    query: Tensor, key: Tensor, value: Tensor, weights: MultiHeadAttentionWeights, numHeads: Int,
    attentionMask: Tensor? = nil, keyPaddingMask: KeyPaddingMask? = nil,
    causal: Bool = false, returnWeights: Bool = false
) throws(TensorError) -> (output: Tensor, weights: Tensor?) {
    let op = "multiHeadAttention"
    guard query.rank == 3, key.rank == 3, value.rank == 3 else {
        throw .shapeMismatch(op: op, detail: "query \(query.shape), key \(key.shape), value \(value.shape) must all be [B, L, features]")
    }
    let (batch, lq, e) = (query.shape[0], query.shape[1], query.shape[2])
    let lk = key.shape[1]
    guard e == weights.embedDim, key.shape == [batch, lk, weights.keyDim], value.shape == [batch, lk, weights.valueDim] else {
        throw .shapeMismatch(op: op, detail: "query \(query.shape), key \(key.shape), value \(value.shape) do not fit weights with E=\(weights.embedDim), kdim=\(weights.keyDim), vdim=\(weights.valueDim) (expected [B, Lq, \(weights.embedDim)], [B, Lk, \(weights.keyDim)], [B, Lk, \(weights.valueDim)])")
    }
    guard numHeads > 0, e % numHeads == 0 else {
        throw .invalidArgument(op: op, detail: "embedding width \(e) is not divisible by \(numHeads) heads")
    }
    let headDim = e / numHeads
    var mask: BroadcastAttentionMask?
    if let attentionMask {
        switch attentionMask.rank {
        case 2 where attentionMask.shape == [lq, lk]:
            mask = try BroadcastAttentionMask(attentionMask, batch: batch, heads: numHeads, queryLength: lq, keyLength: lk, op: op)
        case 3 where attentionMask.shape == [batch * numHeads, lq, lk]:
            mask = try BroadcastAttentionMask(try attentionMask.reshaped([batch, numHeads, lq, lk]),
                                              batch: batch, heads: numHeads, queryLength: lq, keyLength: lk, op: op)
        default:
            throw .shapeMismatch(op: op, detail: "attention mask \(attentionMask.shape) is neither [\(lq), \(lk)] nor [\(batch * numHeads), \(lq), \(lk)] for query \(query.shape), key \(key.shape), \(numHeads) heads")
        }
    }
    try checkPadding(keyPaddingMask, batch: batch, keyLength: lk, op: op)

    let (q, k, v) = projectQueryKeyValue(query: query, key: key, value: value, weights: weights)
    let geometry = AttentionGeometry(batch: batch, heads: numHeads, queryLength: lq, keyLength: lk, headDim: headDim, valueDim: headDim)
    var attentionWeights = returnWeights ? Tensor(zeros: [batch, numHeads, lq, lk]) : nil
    // Heads are column blocks of the projected [B, L, E] rows, so no permute is needed: head h of
    // batch b starts at b * L * E + h * headDim and its rows are E apart.
    let attended = Tensor(shape: [batch, lq, e]) { out in
        q.storage.withUnsafeBufferPointer { q in
            k.storage.withUnsafeBufferPointer { k in
                v.storage.withUnsafeBufferPointer { v in
                    let layout = { (base: UnsafePointer<Float>, length: Int) in
                        HeadLayout(base: base, batchStride: length * e, headStride: headDim, rowStride: e)
                    }
                    attend(geometry, query: layout(q.baseAddress!, lq), key: layout(k.baseAddress!, lk),
                           value: layout(v.baseAddress!, lk),
                           output: MutableHeadLayout(base: out.baseAddress!, batchStride: lq * e, headStride: headDim, rowStride: e),
                           scale: 1 / Float(headDim).squareRoot(), mask: mask, padding: keyPaddingMask,
                           causal: causal, weights: &attentionWeights)
                }
            }
        }
    }
    let output = try linear(attended, weight: weights.outWeight, bias: weights.outBias)
    return (output, attentionWeights)
}

/// The query, key and value projections (three `linear`s of already checked shapes) as one
/// `runGEMMs` call: one fork/join for the three products, each thread taking its share of the rows.
private func projectQueryKeyValue(query: Tensor, key: Tensor, value: Tensor,
                                  weights: MultiHeadAttentionWeights) -> (Tensor, Tensor, Tensor) {
    let e = weights.embedDim
    let inFeatures = [weights.qWeight.shape[1], weights.kWeight.shape[1], weights.vWeight.shape[1]]
    // Outputs start as their bias (or zero) rows; the products accumulate onto them.
    func biasRows(_ x: Tensor, _ bias: Tensor?) -> Tensor {
        Tensor(shape: [x.shape[0], x.shape[1], e]) { out in
            if let bias, let base = out.baseAddress { fillRows(base, rows: x.shape[0] * x.shape[1], with: bias) }
            else { out.initialize(repeating: 0) }
        }
    }
    var (q, k, v) = (biasRows(query, weights.qBias), biasRows(key, weights.kBias), biasRows(value, weights.vBias))
    func product(_ index: Int, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>,
                 _ out: UnsafeMutableBufferPointer<Float>) -> RowMajorGEMM {
        RowMajorGEMM(transposeB: true, m: out.count / max(1, e), n: e, k: inFeatures[index],
                     a: x.baseAddress, lda: inFeatures[index], b: w.baseAddress, ldb: inFeatures[index],
                     c: out.baseAddress, ldc: e, accumulate: true)
    }
    query.storage.withUnsafeBufferPointer { xq in
        key.storage.withUnsafeBufferPointer { xk in
            value.storage.withUnsafeBufferPointer { xv in
                weights.qWeight.storage.withUnsafeBufferPointer { wq in
                    weights.kWeight.storage.withUnsafeBufferPointer { wk in
                        weights.vWeight.storage.withUnsafeBufferPointer { wv in
                            q.storage.withUnsafeMutableBufferPointer { oq in
                                k.storage.withUnsafeMutableBufferPointer { ok in
                                    v.storage.withUnsafeMutableBufferPointer { ov in
                                        runGEMMs([product(0, xq, wq, oq), product(1, xk, wk, ok), product(2, xv, wv, ov)])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (q, k, v)
}

/// Per-head attention weights `[B, H, Lq, Lk]` averaged over heads to `[B, Lq, Lk]`, as torch's
/// `average_attn_weights=True`.
public func averagedOverHeads(_ weights: Tensor) throws(TensorError) -> Tensor {
    guard weights.rank == 4, weights.shape[1] > 0 else {
        throw .shapeMismatch(op: "averagedOverHeads", detail: "weights \(weights.shape) are not [B, H, Lq, Lk] with H > 0")
    }
    let (batch, heads) = (weights.shape[0], weights.shape[1])
    let plane = weights.shape[2] * weights.shape[3]
    return Tensor(shape: [batch, weights.shape[2], weights.shape[3]]) { out in
        weights.storage.withUnsafeBufferPointer { w in
            for b in 0..<batch {
                let dst = out.baseAddress! + b * plane
                dst.initialize(repeating: 0, count: plane)
                for h in 0..<heads {
                    let src = w.baseAddress! + (b * heads + h) * plane
                    for i in 0..<plane { dst[i] += src[i] }
                }
                let inverse = 1 / Float(heads)
                for i in 0..<plane { dst[i] *= inverse }
            }
        }
    }
}

// MARK: - Implementation

struct AttentionGeometry {
    let batch: Int, heads: Int, queryLength: Int, keyLength: Int, headDim: Int, valueDim: Int
}

/// Where one operand's `[L, D]` matrix for batch `b`, head `h` lives: it starts at
/// `base + b * batchStride + h * headStride` with rows `rowStride` apart.
struct HeadLayout {
    let base: UnsafePointer<Float>
    let batchStride: Int, headStride: Int, rowStride: Int
    func matrix(_ b: Int, _ h: Int) -> UnsafePointer<Float> { base + b * batchStride + h * headStride }
}

struct MutableHeadLayout {
    let base: UnsafeMutablePointer<Float>
    let batchStride: Int, headStride: Int, rowStride: Int
    func matrix(_ b: Int, _ h: Int) -> UnsafeMutablePointer<Float> { base + b * batchStride + h * headStride }
}

private func checkPadding(_ padding: KeyPaddingMask?, batch: Int, keyLength: Int, op: String) throws(TensorError) {
    if let padding, padding.batch != batch || padding.keyLength != keyLength {
        throw .shapeMismatch(op: op, detail: "key padding mask [\(padding.batch), \(padding.keyLength)] is not [\(batch), \(keyLength)]")
    }
}

/// The attention core shared by both public entry points. The work is split into tasks of
/// (batch element, head, block of query rows) — one block per head unless there are fewer heads
/// than threads — and each thread runs whole tasks with single-threaded BLAS: per task one GEMM
/// for the scores, a masked row softmax, one GEMM for the output. One fork/join per call, rather
/// than one per GEMM and per softmax, matters on few cores shared with other work.
///
/// The second GEMM takes the unnormalised rows `exp(s - max)` and its output rows are scaled by
/// `1 / sum` afterwards: `Dv` multiplications per row instead of `Lk` (the weights, when returned,
/// are normalised after the GEMM, so that the output does not depend on whether they are).
private func attend(
    _ g: AttentionGeometry, query: HeadLayout, key: HeadLayout, value: HeadLayout, output: MutableHeadLayout,
    scale: Float, mask: BroadcastAttentionMask?, padding: KeyPaddingMask?, causal: Bool, weights: inout Tensor?
) {
    let (lq, lk) = (g.queryLength, g.keyLength)
    guard g.batch > 0, g.heads > 0, lq > 0 else { return }
    if lk == 0 {
        // No keys at all: every row is fully masked.
        for b in 0..<g.batch { for h in 0..<g.heads { for i in 0..<lq {
            (output.matrix(b, h) + i * output.rowStride).initialize(repeating: 0, count: g.valueDim)
        } } }
        return
    }
    let threads = Parallelism.threadCount
    let heads = g.batch * g.heads
    let blocksPerHead = min(lq, heads >= threads ? 1 : (threads + heads - 1) / heads)
    let tasks = heads * blocksPerHead
    // Small problems stay on one thread (the same grain as the row softmax used to have).
    let workers = min(threads, tasks, max(1, lq * lk * heads / 32_768))
    let blockRows = (lq + blocksPerHead - 1) / blocksPerHead
    let returnsWeights = weights != nil
    // Each worker's scores (unless they go straight into `weights`) and row normalisers.
    var scratch = [Float](repeating: 0, count: returnsWeights ? 0 : workers * blockRows * lk)
    var inverseSums = [Float](repeating: 0, count: workers * blockRows)
    // The ignored keys of each batch element as a list, so rows without padding skip the check.
    let ignoredKeys: [[Int]] = padding.map { p in
        (0..<g.batch).map { b in (0..<lk).filter { p.ignored[b * lk + $0] } }
    } ?? []
    let maskStorage = mask?.tensor.storage ?? []

    func runTask(_ task: Int, worker: Int, weightsBase: UnsafeMutablePointer<Float>?, maskBase: UnsafePointer<Float>?,
                 scratchBase: UnsafeMutablePointer<Float>, sumsBase: UnsafeMutablePointer<Float>) {
        let (bh, block) = task.quotientAndRemainder(dividingBy: blocksPerHead)
        let (b, h) = bh.quotientAndRemainder(dividingBy: g.heads)
        let first = block * blockRows, rows = min(lq, first + blockRows) - first
        guard rows > 0 else { return }
        let scores = weightsBase.map { $0 + (bh * lq + first) * lk } ?? scratchBase + worker * blockRows * lk
        let inverseSums = sumsBase + worker * blockRows
        // scores[rows, Lk] = scale · Q Kᵀ
        if g.headDim > 0 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(lk), Int32(g.headDim),
                        scale, query.matrix(b, h) + first * query.rowStride, Int32(query.rowStride),
                        key.matrix(b, h), Int32(key.rowStride), 0, scores, Int32(lk))
        } else {
            scores.initialize(repeating: 0, count: rows * lk)
        }
        let ignored = ignoredKeys.isEmpty ? [] : ignoredKeys[b]
        for r in 0..<rows {
            let i = first + r
            let row = scores + r * lk
            if let mask, let maskBase {
                let m = maskBase + b * mask.batchStride + h * mask.headStride + i * mask.queryStride
                for j in 0..<lk { row[j] += m[j * mask.keyStride] }
            }
            for j in ignored { row[j] = -.infinity }
            if causal, i + 1 < lk {
                for j in (i + 1)..<lk { row[j] = -.infinity }
            }
            inverseSums[r] = exponentiateRowInPlace(row, count: lk, zeroWhenFullyMasked: true)
        }
        // out[rows, Dv] = P V
        if g.valueDim > 0 {
            let out = output.matrix(b, h) + first * output.rowStride
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(g.valueDim), Int32(lk),
                        1, scores, Int32(lk), value.matrix(b, h), Int32(value.rowStride),
                        0, out, Int32(output.rowStride))
            for r in 0..<rows { scaleRowInPlace(out + r * output.rowStride, count: g.valueDim, by: inverseSums[r]) }
        }
        if returnsWeights {
            for r in 0..<rows { scaleRowInPlace(scores + r * lk, count: lk, by: inverseSums[r]) }
        }
    }

    func runAll(weightsBase: UnsafeMutablePointer<Float>?) {
        maskStorage.withUnsafeBufferPointer { maskBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                inverseSums.withUnsafeMutableBufferPointer { sumsBuffer in
                    let maskBase = UnsafePointer(maskBuffer.baseAddress)
                    let sumsBase = sumsBuffer.baseAddress!
                    let scratchBase = scratchBuffer.baseAddress ?? sumsBase  // unused when scores go to `weights`
                    if workers <= 1 {
                        for task in 0..<tasks {
                            runTask(task, worker: 0, weightsBase: weightsBase, maskBase: maskBase,
                                    scratchBase: scratchBase, sumsBase: sumsBase)
                        }
                        return
                    }
                    Parallelism.withSerialBLAS {
                        // One chunk per worker: a contiguous share of the tasks, with its own scratch.
                        Parallelism.forEach(workers) { worker in
                            for task in (tasks * worker / workers)..<(tasks * (worker + 1) / workers) {
                                runTask(task, worker: worker, weightsBase: weightsBase, maskBase: maskBase,
                                        scratchBase: scratchBase, sumsBase: sumsBase)
                            }
                        }
                    }
                }
            }
        }
    }
    if weights != nil {
        weights!.storage.withUnsafeMutableBufferPointer { runAll(weightsBase: $0.baseAddress!) }
    } else {
        runAll(weightsBase: nil)
    }
}
