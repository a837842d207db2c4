import Glibc

/// An exclusive `flock` on `<ledger>.lock`, held for the daemon's lifetime: one daemon per ledger.
/// The kernel drops it when the process dies (even by SIGKILL), so whoever holds it knows that
/// every `claimed` row belongs to a dead process.
public final class LedgerLock: Sendable {
    public struct Busy: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot lock \(path): \(reason)" }
    }

    private let descriptor: Int32

    public init(ledgerPath: String) throws(Busy) {
        let path = ledgerPath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Busy(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? "another vispipe watch is using this ledger" : String(cString: strerror(errno))
            close(fd)
            throw Busy(path: path, reason: reason)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
