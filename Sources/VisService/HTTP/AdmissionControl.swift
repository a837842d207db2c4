/// Bounds the pipeline runs in flight and the requests waiting for one. A request either gets a
/// slot, waits in a bounded FIFO queue, or is refused at once — so overload turns into quick 503s
/// instead of unbounded memory and latency. Slots are handed directly from a finishing run to the
/// oldest waiter, so none is lost or starved.
public actor AdmissionControl {
    /// Why a request was not admitted.
    public enum Refusal: Error, Sendable, Equatable {
        /// Every slot is busy and the queue is full.
        case queueFull
        /// The waiting request was cancelled (timed out) before a slot freed up.
        case cancelled
    }

    public let concurrency: Int
    public let queueLimit: Int
    private var running = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    public init(concurrency: Int, queueLimit: Int) {
        precondition(concurrency >= 1 && queueLimit >= 0, "AdmissionControl: concurrency \(concurrency), queue \(queueLimit)")
        self.concurrency = concurrency
        self.queueLimit = queueLimit
    }

    /// Requests waiting for a slot.
    public var queueDepth: Int { waiters.count }
    /// Runs holding a slot.
    public var inFlight: Int { running }

    /// Takes a slot, waiting in the queue when all are busy. Every successful `enter` must be
    /// matched by one `leave`.
    public func enter() async throws(Refusal) {
        if running < concurrency {
            running += 1
            return
        }
        guard waiters.count < queueLimit else { throw .queueFull }
        let id = nextID
        nextID += 1
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    if Task.isCancelled {
                        continuation.resume(throwing: Refusal.cancelled)
                    } else {
                        waiters.append((id, continuation))
                    }
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
        } catch {
            throw .cancelled
        }
        // Resumed by `leave`: the slot was handed over, `running` already counts it.
    }

    /// Gives the slot back: to the oldest waiter when there is one.
    public func leave() {
        if waiters.isEmpty {
            running -= 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: Refusal.cancelled)
    }
}
