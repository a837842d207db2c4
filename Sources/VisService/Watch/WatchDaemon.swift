import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VisFiles
import VisPipeline

/// The watch-folder daemon (`vispipe watch`), run as a `Service` in a `ServiceGroup`.
///
/// Each inbox file is taken once it has settled, hashed, claimed in the ledger, run through the
/// pipeline, its outputs written atomically, and only then marked done — so a crash at any point
/// redoes at most the image in flight, and its outputs are replaced rather than duplicated. A
/// graceful shutdown stops taking files and finishes (or abandons) the image in flight.
public final class WatchDaemon: Service, Sendable {
    public let session: PipelineSession
    public let options: WatchOptions
    let logger: Logger
    private let outputs: WatchOutputs
    private let stopping = Atomic<Bool>(false)
    /// The image being processed, so an abandoning stop can cancel it.
    private let inFlight = Mutex<Task<ItemOutcome, Never>?>(nil)

    public init(session: PipelineSession, options: WatchOptions, logger: Logger = Logger(label: "vispipe.watch")) {
        self.session = session; self.options = options; self.logger = logger
        self.outputs = WatchOutputs(options: options)
    }

    /// How often pending files are looked at: often enough for the settle interval to be honoured closely.
    private var pollInterval: Double { min(max(options.settleSeconds / 4, 0.02), 0.25) }

    public func run() async throws {
        let manager = FileManager.default
        for folder in [options.output, options.failed] + (options.done.map { [$0] } ?? []) {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try manager.createDirectory(atPath: (options.ledgerPath as NSString).deletingLastPathComponent,
                                    withIntermediateDirectories: true)
        let lock = try LedgerLock(ledgerPath: options.ledgerPath)
        let ledger = try WatchLedger(path: options.ledgerPath)
        // Holding the lock, every claim in the ledger is an orphan of a process that died.
        let orphans = try ledger.expireClaims(now: Self.now)
        if orphans > 0 { logger.notice("taking back \(orphans) image(s) claimed by a stopped daemon") }
        // A daemon killed during an atomic write leaves its temporary file behind.
        for folder in [options.output, options.failed] { OutputLayout(root: folder).removeLeftoverTemporaries() }

        let excluded = options.ownFolders
        let watcher = try InboxWatcher(root: options.inbox, recursive: options.recursive, excluded: excluded)
        let pending = PendingFiles(settleSeconds: options.settleSeconds)
        logger.info("watching \(options.inbox)", metadata: ["pipeline": "\(session.plan.name)", "hash": "\(session.hash.prefix(12))"])

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [options] in
                    for await event in watcher.events {
                        switch event {
                        case .file(let path): pending.add(path)
                        case .directory(let path):
                            for file in InboxScan.files(under: path, recursive: true, excluded: excluded) { pending.add(file) }
                        case .rescan:
                            for file in InboxScan.files(under: options.inbox, recursive: options.recursive, excluded: excluded) {
                                pending.add(file)
                            }
                        }
                    }
                }
                // The backlog: everything already in the inbox (after the watch is in place, so nothing slips between).
                for file in InboxScan.files(under: options.inbox, recursive: options.recursive, excluded: excluded) {
                    pending.add(file)
                }
                defer { watcher.stop() }  // also when `take` throws (a ledger error)
                while !stopping.load(ordering: .acquiring) && !Task.isCancelled {
                    for path in pending.paths {
                        if stopping.load(ordering: .acquiring) || Task.isCancelled { break }
                        do { try await take(path, pending: pending, ledger: ledger) } catch let failure as WatchOutputs.Failure {
                            // A file that cannot be written or moved (permissions, a full disk) must not stop the
                            // daemon: the ledger keeps its state and the next rescan or restart tries again.
                            logger.error("\(failure)")
                            pending.remove(path)
                        }
                    }
                    try? await Task.sleep(for: .seconds(pollInterval))
                }
                watcher.stop()  // finishes `events`, so the reading task ends
                try await group.waitForAll()
            }
        } onGracefulShutdown: { [self] in
            logger.info("stopping: no new files (\(options.onStop.rawValue) the image in flight)")
            stopping.store(true, ordering: .releasing)
            if options.onStop == .abandon { inFlight.withLock { $0?.cancel() } }
        }
        withExtendedLifetime(lock) {}
        logger.info("stopped")
    }

    static var now: Double { Date().timeIntervalSince1970 }
    private static var monotonic: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private static func observe(_ path: String) -> SettleCheck.Observation? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return .init(size: Int64(info.st_size),
                     modificationTime: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9)
    }

    private func relativePath(of path: String) -> String { String(path.dropFirst(options.inbox.count + 1)) }

    /// Looks at one pending file: drops it when gone or already finished, processes it once settled.
    private func take(_ path: String, pending: PendingFiles, ledger: WatchLedger) async throws {
        guard let observation = Self.observe(path) else { pending.remove(path); return }
        let relative = relativePath(of: path)
        if let entry = try ledger.terminalEntry(path: relative, size: observation.size, modificationTime: observation.modificationTime) {
            // Finished earlier (possibly by a daemon that died before moving the original).
            try moveFinished(path, entry: entry)
            pending.remove(path)
            return
        }
        guard pending.observe(path, observation, at: Self.monotonic) else { return }
        let sha256: String
        do { sha256 = try SHA256.hexDigest(ofFileAtPath: path) } catch {
            pending.remove(path)  // vanished or unreadable; a later event brings it back
            return
        }
        // Changed while hashing: still being written.
        guard Self.observe(path) == observation else { pending.reset(path); return }
        let key = WatchLedger.Key(path: relative, size: observation.size, modificationTime: observation.modificationTime, sha256: sha256)
        try await process(key, absolutePath: path, ledger: ledger)
        pending.remove(path)
    }

    /// Claims `key` and runs attempts until it is done, failed for good, or the daemon stops.
    private func process(_ key: WatchLedger.Key, absolutePath: String, ledger: WatchLedger) async throws {
        while true {
            switch try ledger.claim(key, lease: options.leaseSeconds, maxAttempts: options.maxAttempts, now: Self.now) {
            case .finished:
                if let entry = try ledger.entry(key) { try moveFinished(absolutePath, entry: entry) }
                return
            case .leased:
                return
            case .exhausted(let attempts):
                try fail(key, absolutePath: absolutePath, stage: "watch",
                         message: "the process stopped while processing it \(attempts) times", attempts: attempts, ledger: ledger)
                return
            case .claimed(let attempt):
                let work = Task { [session] in await session.process(file: absolutePath, relativePath: key.path) }
                inFlight.withLock { $0 = work }
                let outcome = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
                inFlight.withLock { $0 = nil }
                let failure: StageFailure
                switch outcome.status {
                case .cancelled:
                    try ledger.release(key, now: Self.now)
                    logger.info("abandoned \(key.path)")
                    return
                case .succeeded(let values, let sourceImage):
                    do {
                        try outputs.writeSuccess(relativePath: key.path, plan: session.plan, outputs: values, sourceImage: sourceImage)
                    } catch {
                        failure = StageFailure(stage: "output", message: error.description)
                        break
                    }
                    try ledger.markDone(key, now: Self.now)
                    logger.info("done \(key.path)", metadata: ["attempt": "\(attempt)"])
                    // Done is final: a failed move is reported by the caller and retried at the next rescan or restart.
                    if let done = options.done { try outputs.move(absolutePath, relativePath: key.path, into: done) }
                    return
                case .failed(let stageFailure):
                    failure = stageFailure
                }
                switch try ledger.recordFailure(key, error: failure.description, maxAttempts: options.maxAttempts, now: Self.now) {
                case .exhausted(let attempts):
                    try fail(key, absolutePath: absolutePath, stage: failure.stage, message: failure.message,
                             attempts: attempts, ledger: ledger)
                    return
                case .willRetry(let attempts):
                    logger.warning("attempt \(attempts) of \(key.path) failed: \(failure)")
                    if stopping.load(ordering: .acquiring) { return }
                    try? await Task.sleep(for: .seconds(min(max(options.settleSeconds, 0.05), 1)))
                }
            }
        }
    }

    /// The ledger already says `failed`: the error report goes beside the original in the failed folder.
    private func fail(_ key: WatchLedger.Key, absolutePath: String, stage: String, message: String, attempts: Int,
                      ledger: WatchLedger) throws {
        logger.error("giving up on \(key.path) after \(attempts) attempt(s): \(stage): \(message)")
        try outputs.writeFailureReport(relativePath: key.path, stage: stage, message: message, attempts: attempts)
        try outputs.move(absolutePath, relativePath: key.path, into: options.failed)
    }

    /// Moves a finished original where it belongs (a daemon may have died between the ledger and the move);
    /// a failed one whose error report was not written yet gets it from the ledger.
    private func moveFinished(_ path: String, entry: WatchLedger.Entry) throws {
        switch entry.state {
        case .done:
            if let done = options.done { try outputs.move(path, relativePath: entry.key.path, into: done) }
        case .failed:
            if !FileManager.default.fileExists(atPath: options.failed + "/" + entry.key.path + ".error.json") {
                try outputs.writeFailureReport(relativePath: entry.key.path, stage: "watch",
                                               message: entry.lastError ?? "failed", attempts: entry.attempts)
            }
            try outputs.move(path, relativePath: entry.key.path, into: options.failed)
        case .claimed, .pending:
            break
        }
    }
}
