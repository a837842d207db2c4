import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What a benchmark's seconds measure.
enum BenchClock: String, CaseIterable, Sendable {
    /// Elapsed wall time: what a user waits for.
    case wall
    /// CPU time of the whole process (all threads). On a shared, busy machine this moves far less
    /// than wall time; with `--threads 1` it is the steadiest figure for A/B comparisons.
    case cpu

    var nowSeconds: Double {
        switch self {
        case .wall:
            return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        case .cpu:
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
    }
}

/// The clock `medianSeconds` reads; set once from the command line before any case runs.
nonisolated(unsafe) var benchClock = BenchClock.wall

/// Median time of `body` over `repeats` runs after one warm-up run.
func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = benchClock.nowSeconds
        try body()
        times.append(benchClock.nowSeconds - start)
    }
    times.sort()
    return times[times.count / 2]
}
