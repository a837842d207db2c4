import CBLAS
import Synchronization

/// Counts the `withSerialBLAS` regions that are running, process-wide (regions may nest or
/// overlap across threads), and says which entry and which exit must switch OpenBLAS over.
struct SerialBLASRegionCount: Sendable {
    private(set) var active = 0

    /// Enters a region; true when it is the first, which makes OpenBLAS single-threaded.
    mutating func enter() -> Bool {
        active += 1
        return active == 1
    }

    /// Leaves a region; true when it was the last, which gives OpenBLAS its threads back.
    mutating func leave() -> Bool {
        precondition(active > 0, "left a serial BLAS region that was never entered")
        active -= 1
        return active == 0
    }
}

private let serialBLASRegions = Mutex(SerialBLASRegionCount())

extension Parallelism {
    /// Runs `body` with OpenBLAS limited to one thread; vispipe's own operations then split their
    /// GEMMs across `threadCount` threads themselves (`linear`, `matmul`, attention).
    ///
    /// On few cores this is faster for a chain of small and medium GEMMs mixed with other parallel
    /// work (a transformer): OpenBLAS's idle workers spin for a while after each call, competing for
    /// the cores with vispipe's threads in the elementwise passes that follow, and each OpenBLAS call
    /// has its own fork/join. Inside a region only vispipe's threads run.
    /// Regions may nest or overlap; OpenBLAS gets `threadCount` back when the last one ends.
    /// GEMMs are split by rows either way, never along the sum, so results agree to rounding.
    public static func withSerialBLAS<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        guard threadCount > 1 else { return try body() }
        serialBLASRegions.withLock { regions in
            if regions.enter() { openblas_set_num_threads(1) }
        }
        defer {
            serialBLASRegions.withLock { regions in
                if regions.leave() { openblas_set_num_threads(Int32(threadCount)) }
            }
        }
        return try body()
    }

    /// Whether some `withSerialBLAS` region is running, so that OpenBLAS runs single-threaded and
    /// GEMMs should be split across vispipe's threads by the caller.
    static var blasIsSerial: Bool { serialBLASRegions.withLock { $0.active > 0 } }
}
