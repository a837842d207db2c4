import CBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one process-wide thread setting. It bounds both vispipe's own parallel loops and OpenBLAS,
/// so that `--threads 1` really means one core.
public enum Parallelism {
    private static let configured = Mutex<Int?>(nil)

    /// Cores available to this process.
    public static var machineCores: Int {
        #if canImport(Glibc)
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, Int(online))
        #else
        return 1
        #endif
    }

    /// Threads used by compute (default: the machine's cores).
    public static var threadCount: Int {
        configured.withLock { value in
            if let value { return value }
            let cores = machineCores
            openblas_set_num_threads(Int32(cores))
            value = cores
            return cores
        }
    }

    /// Sets the thread count for vispipe's loops and for OpenBLAS; values below 1 select the default.
    public static func setThreadCount(_ count: Int) {
        let resolved = count < 1 ? machineCores : count
        configured.withLock { value in
            openblas_set_num_threads(Int32(resolved))
            value = resolved
        }
    }

    /// Runs `body(i)` for `i` in `0..<count`, split into at most `threadCount` contiguous chunks.
    /// Work smaller than `minimumPerThread` items per thread stays on the calling thread.
    public static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let threads = min(threadCount, max(1, count / max(1, minimumPerThread)))
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { chunk in
                let start = count * chunk / threads
                let end = count * (chunk + 1) / threads
                for i in start..<end { box.value(i) }
            }
        }
    }
}

/// Carries a non-Sendable closure into `concurrentPerform`; each chunk touches disjoint indices.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
