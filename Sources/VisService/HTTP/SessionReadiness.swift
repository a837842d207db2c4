import Foundation

/// Whether the pipeline's models are loaded: `/healthz/ready` and `/v1/run` read it, the
/// background loader sets it once.
final class SessionReadiness: @unchecked Sendable {
    // @unchecked: `state` changes only under `lock`.
    enum State {
        case loading
        case ready(PipelineSession)
        case failed(String)
    }

    private let lock = NSLock()
    private var state = State.loading

    var current: State {
        lock.lock(); defer { lock.unlock() }
        return state
    }

    var session: PipelineSession? {
        if case .ready(let session) = current { return session }
        return nil
    }

    func set(_ newState: State) {
        lock.lock(); state = newState; lock.unlock()
    }
}
