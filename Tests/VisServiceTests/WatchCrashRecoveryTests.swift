// `vispipe watch` end to end with the built binary (see WatchWorkspace): 300 images arrive in mixed
// ways while the daemon runs, the daemon is SIGKILLed in the middle and restarted, and every image
// must end exactly once — a result for each good one, failed/ for each corrupt one.
import Foundation
import Synchronization
import Testing
import VisFiles
import VisService

@Suite(.serialized) struct WatchCrashRecoveryTests {
    /// How one test image reaches the inbox.
    enum Arrival: CaseIterable {
        /// Written as `<name>.part`, then renamed.
        case renamedFromPart
        /// Written as a dot-file, then renamed.
        case renamedFromDotFile
        /// Written directly into a sub-folder (some created while the daemon runs).
        case subFolder
        /// Written in place in four chunks with pauses shorter than the settle interval.
        case slowCopy
    }

    struct Drop {
        let relativePath: String
        let arrival: Arrival
        let corrupt: Bool
    }

    static func plan(count: Int) -> [Drop] {
        (0..<count).map { i in
            let arrival = Arrival.allCases[i % Arrival.allCases.count]
            let corrupt = i % 50 == 13
            let name = corrupt ? "bad\(i).png" : "img\(i).png"
            switch arrival {
            case .subFolder: return Drop(relativePath: "sub\(i % 7)/deep\(i % 2)/\(name)", arrival: arrival, corrupt: corrupt)
            default: return Drop(relativePath: name, arrival: arrival, corrupt: corrupt)
            }
        }
    }

    /// Delivers `drop`; returns the wall time its last byte was written.
    static func deliver(_ drop: Drop, index: Int, inbox: String) throws -> Double {
        let bytes = drop.corrupt ? Data("not an image \(index)".utf8) : try WatchWorkspace.png(index)
        let target = inbox + "/" + drop.relativePath
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        switch drop.arrival {
        case .renamedFromPart:
            try bytes.write(to: URL(fileURLWithPath: target + ".part"))
            try FileManager.default.moveItem(atPath: target + ".part", toPath: target)
        case .renamedFromDotFile:
            let hidden = folder + "/." + (target as NSString).lastPathComponent
            try bytes.write(to: URL(fileURLWithPath: hidden))
            try FileManager.default.moveItem(atPath: hidden, toPath: target)
        case .subFolder:
            try bytes.write(to: URL(fileURLWithPath: target))
        case .slowCopy:
            _ = FileManager.default.createFile(atPath: target, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
            let chunk = max(1, (bytes.count + 3) / 4)
            var offset = 0
            while offset < bytes.count {
                try handle.write(contentsOf: bytes[offset..<min(offset + chunk, bytes.count)])
                offset += chunk
                if offset < bytes.count { usleep(30_000) }
            }
            let finished = Date().timeIntervalSince1970
            try handle.close()
            return finished
        }
        return Date().timeIntervalSince1970
    }

    @Test func sigkillAndRestartLeaveEveryImageExactlyOnce() throws {
        let workspace = try WatchWorkspace()
        defer { workspace.remove() }
        let log = workspace.root.appendingPathComponent("daemon.log").path
        let arguments = ["--done", workspace.done, "--recursive", "--settle", "0.4", "--max-attempts", "3"]
        var daemon = try workspace.startDaemon(arguments, log: log)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(WatchWorkspace.wait(seconds: 60) { FileManager.default.fileExists(atPath: workspace.ledger) })

        let drops = Self.plan(count: 300)
        let lastWrite = Mutex<[String: Double]>([:])
        let dropErrors = Mutex<[String]>([])
        let killed = Atomic<Bool>(false)
        defer { killed.store(true, ordering: .releasing) }  // never leave a writer waiting
        // Four writers at once, so slow copies overlap with everything else.
        let writers = DispatchGroup()
        for writer in 0..<4 {
            DispatchQueue.global().async(group: writers) {
                for index in stride(from: writer, to: drops.count, by: 4) {
                    // The second half arrives only once the daemon is dead (some while none runs, the rest after the restart).
                    while index >= drops.count / 2 && !killed.load(ordering: .acquiring) { usleep(10_000) }
                    do {
                        let time = try Self.deliver(drops[index], index: index, inbox: workspace.inbox)
                        lastWrite.withLock { $0[drops[index].relativePath] = time }
                    } catch {
                        dropErrors.withLock { $0.append("\(drops[index].relativePath): \(error)") }
                    }
                    usleep(5_000)
                }
            }
        }

        // SIGKILL once a good share of the first half is done, while images are still arriving.
        let resultCount = { WatchWorkspace.files(under: workspace.out).filter { !$0.hasPrefix("annotated/") && $0.hasSuffix(".json") }.count }
        #expect(WatchWorkspace.wait(seconds: 120) { resultCount() >= 60 }, "daemon log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let deliveredBeforeKill = lastWrite.withLock { $0.count }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .uncaughtSignal)
        killed.store(true, ordering: .releasing)
        usleep(300_000)
        daemon = try workspace.startDaemon(arguments, log: log)

        writers.wait()
        #expect(deliveredBeforeKill < drops.count, "all images arrived before the kill; the kill must come mid-way")
        #expect(dropErrors.withLock { $0 }.isEmpty)
        let emptied = WatchWorkspace.wait(seconds: 240) { WatchWorkspace.files(under: workspace.inbox).isEmpty }
        #expect(emptied, "left in the inbox: \(WatchWorkspace.files(under: workspace.inbox).prefix(10))")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0 && daemon.terminationReason == .exit)

        let ledger = try WatchLedger(path: workspace.ledger)
        let rows = try ledger.entries()
        #expect(rows.allSatisfy { $0.state == .done || $0.state == .failed }, "\(rows.filter { $0.state != .done && $0.state != .failed })")
        let written = lastWrite.withLock { $0 }
        let good = drops.filter { !$0.corrupt }, corrupt = drops.filter(\.corrupt)
        let doneRows = Dictionary(grouping: rows.filter { $0.state == .done }, by: \.key.path)
        let outFiles = Set(WatchWorkspace.files(under: workspace.out))
        for drop in good {
            let path = drop.relativePath
            let finalBytes = try Data(contentsOf: URL(fileURLWithPath: workspace.done + "/" + path))
            // Exactly one done row, whose hash is the complete file's: never taken half-written.
            let done = doneRows[path] ?? []
            #expect(done.count == 1, "\(path): \(done.count) done rows")
            #expect(done.first?.key.sha256 == SHA256.hexDigest(finalBytes), "\(path) was hashed before its last byte")
            if drop.arrival == .slowCopy, let claimed = done.first?.createdAt, let last = written[path] {
                #expect(claimed >= last, "\(path) claimed \(last - claimed) s before its last chunk")
            }
            #expect(outFiles.contains(path + ".json") && outFiles.contains("annotated/" + path), "\(path) has no outputs")
            let line = try String(contentsOfFile: workspace.out + "/" + path + ".json", encoding: .utf8)
            #expect(line.split(separator: "\n").count == 1 && line.contains("\"path\":\"\(path)\""))
        }
        #expect(outFiles.filter { $0.hasSuffix(".json") && !$0.hasPrefix("annotated/") }.count == good.count)
        for drop in corrupt {
            let path = drop.relativePath
            let failedRows = rows.filter { $0.key.path == path }
            #expect(failedRows.count == 1 && failedRows.first?.state == .failed && failedRows.first?.attempts == 3,
                    "\(path): \(failedRows)")
            #expect(FileManager.default.fileExists(atPath: workspace.failed + "/" + path))
            let report = try String(contentsOfFile: workspace.failed + "/" + path + ".error.json", encoding: .utf8)
            #expect(report.contains("\"attempts\":3") && report.contains("\"stage\":\"decode\""), "\(report)")
            #expect(!outFiles.contains(path + ".json"))
        }
        // No temporary or partial file anywhere.
        let ledgerFiles: Set<String> = [".vispipe-ledger.sqlite", ".vispipe-ledger.sqlite-wal", ".vispipe-ledger.sqlite-shm",
                                        ".vispipe-ledger.sqlite.lock"]
        for folder in [workspace.inbox, workspace.out, workspace.done, workspace.failed] {
            for file in WatchWorkspace.files(under: folder) where !ledgerFiles.contains(file) {
                #expect(!InboxFilter.isIgnored(relativePath: file), "temporary file left: \(folder)/\(file)")
            }
        }
    }
}
