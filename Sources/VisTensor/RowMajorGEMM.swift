import CBLAS

/// One row-major product `C = A · op(B)`, or `C += A · op(B)` when `accumulate`, optionally
/// followed by ReLU on `C`: described by raw pointers so that several products can share one
/// parallel region (`runGEMMs`). `A` is `[m, k]` with rows `lda` apart, `op(B)` is `[k, n]`
/// (`B` is `[n, k]` when `transposeB`), `C` is `[m, n]` with rows `ldc` apart.
struct RowMajorGEMM {
    var transposeB: Bool
    var m: Int, n: Int, k: Int
    var a: UnsafePointer<Float>?, lda: Int
    var b: UnsafePointer<Float>?, ldb: Int
    var c: UnsafeMutablePointer<Float>?, ldc: Int
    var accumulate = false
    var relu = false
}

/// Multiply-adds per thread below which splitting GEMMs across threads does not pay.
private let gemmSplitGrain = 1 << 20

/// Runs independent products. Inside a `Parallelism.withSerialBLAS` region, where OpenBLAS runs on
/// one thread, the rows of every product are split across vispipe's threads in a single fork/join
/// (each piece is one single-threaded GEMM, its ReLU applied while the rows are still in cache);
/// otherwise the products run one after another and OpenBLAS parallelises each.
func runGEMMs(_ products: [RowMajorGEMM]) {
    let work = products.reduce(0) { $0 + $1.m * $1.n * max(1, $1.k) }
    let fewestRows = products.map(\.m).min() ?? 0
    let blocks = work < 2 * gemmSplitGrain || !Parallelism.blasIsSerial
        ? 1 : min(Parallelism.threadCount, fewestRows, work / gemmSplitGrain)
    guard blocks > 1 else {
        for product in products { product.run(rows: 0..<product.m) }
        return
    }
    Parallelism.forEach(blocks) { block in
        for product in products {
            product.run(rows: (product.m * block / blocks)..<(product.m * (block + 1) / blocks))
        }
    }
}

extension RowMajorGEMM {
    /// Computes rows `rows` of `C`, tolerating the empty sizes BLAS rejects.
    func run(rows: Range<Int>) {
        guard !rows.isEmpty, n > 0, let c else { return }
        let first = c + rows.lowerBound * ldc
        if k > 0, let a, let b {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        blasint(rows.count), blasint(n), blasint(k), 1, a + rows.lowerBound * lda, blasint(lda),
                        b, blasint(ldb), accumulate ? 1 : 0, first, blasint(ldc))
        } else if !accumulate {
            // K == 0: an empty sum is zero.
            for row in 0..<rows.count { (first + row * ldc).update(repeating: 0, count: n) }
        }
        guard relu else { return }
        for row in 0..<rows.count {
            let values = first + row * ldc
            for j in 0..<n where values[j] < 0 { values[j] = 0 }
        }
    }
}

/// Writes `bias` into each of `rows` rows of `count` floats (`count` = `bias.count`) at `target`:
/// the starting value of a product run with `accumulate`.
func fillRows(_ target: UnsafeMutablePointer<Float>, rows: Int, with bias: Tensor) {
    let count = bias.count
    guard count > 0 else { return }
    bias.storage.withUnsafeBufferPointer { b in
        for row in 0..<rows { (target + row * count).initialize(from: b.baseAddress!, count: count) }
    }
}
