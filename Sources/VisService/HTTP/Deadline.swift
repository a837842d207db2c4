import Foundation

/// Races a piece of work against a time limit without waiting for the work to notice: the caller
/// gets `nil` at the deadline while the work (cancelled) winds down on its own. That way a
/// request answers 504 on time even when a stage is inside a long computation that only checks
/// for cancellation between stages.
enum Deadline {
    static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        let race = Race<T>()
        return await withCheckedContinuation { continuation in
            race.arm(continuation)
            let worker = Task {
                let value = await work()
                race.finish(value)
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if race.finish(nil) { worker.cancel() }
            }
            race.onFinish { timer.cancel() }
        }
    }

    /// Resumes its continuation once: with the work's value or with `nil` at the deadline.
    private final class Race<T: Sendable>: @unchecked Sendable {
        // @unchecked: fields change only under `lock`.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T?, Never>?
        private var finished = false
        private var cleanup: (@Sendable () -> Void)?

        func arm(_ continuation: CheckedContinuation<T?, Never>) {
            lock.lock(); self.continuation = continuation; lock.unlock()
        }

        /// Runs `body` once the race is decided (now, if it already is).
        func onFinish(_ body: @escaping @Sendable () -> Void) {
            lock.lock()
            if finished { lock.unlock(); body(); return }
            cleanup = body
            lock.unlock()
        }

        /// Resumes with `value` if nobody did yet; returns whether this call decided the race.
        @discardableResult
        func finish(_ value: T?) -> Bool {
            lock.lock()
            guard !finished, let continuation else { lock.unlock(); return false }
            finished = true
            self.continuation = nil
            let cleanup = self.cleanup
            self.cleanup = nil
            lock.unlock()
            continuation.resume(returning: value)
            cleanup?()
            return true
        }
    }
}
