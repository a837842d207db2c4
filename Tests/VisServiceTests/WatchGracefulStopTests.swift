// `vispipe watch` stops on SIGTERM within --stop-timeout with exit status 0 and a consistent ledger.
import Foundation
import Testing
import VisService

@Suite(.serialized) struct WatchGracefulStopTests {
    private func stopWhileBusy(onStop: String) throws -> (seconds: Double, status: Int32, rows: [WatchLedger.Entry],
                                                           outFiles: Set<String>, workspace: WatchWorkspace) {
        let workspace = try WatchWorkspace()
        let log = workspace.root.appendingPathComponent("daemon.log").path
        // A backlog of 150 images, so the daemon is mid-way when the signal arrives.
        for index in 0..<150 {
            try WatchWorkspace.png(index).write(to: URL(fileURLWithPath: workspace.inbox + "/img\(index).png"))
        }
        let daemon = try workspace.startDaemon(["--settle", "0.05", "--stop-timeout", "5", "--on-stop", onStop], log: log)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let resultCount = { WatchWorkspace.files(under: workspace.out).filter { !$0.hasPrefix("annotated/") && $0.hasSuffix(".json") }.count }
        #expect(WatchWorkspace.wait(seconds: 120) { resultCount() >= 5 })
        let signalled = Date()
        kill(daemon.processIdentifier, SIGTERM)
        _ = WatchWorkspace.wait(seconds: 30) { !daemon.isRunning }
        let seconds = Date().timeIntervalSince(signalled)
        daemon.waitUntilExit()
        let rows = try WatchLedger(path: workspace.ledger).entries()
        return (seconds, daemon.terminationStatus, rows, Set(WatchWorkspace.files(under: workspace.out)), workspace)
    }

    @Test(arguments: ["finish", "abandon"])
    func sigtermExitsZeroWithinTheBoundAndLeavesNoClaim(onStop: String) throws {
        let run = try stopWhileBusy(onStop: onStop)
        defer { run.workspace.remove() }
        #expect(run.status == 0)
        #expect(run.seconds < 5, "stopped after \(run.seconds) s")
        #expect(!run.rows.contains { $0.state == .claimed }, "\(run.rows.filter { $0.state == .claimed })")
        let done = run.rows.filter { $0.state == .done }
        #expect(!done.isEmpty)
        // Outputs exist for every done row, and a result exists only for done rows.
        for row in done {
            #expect(run.outFiles.contains(row.key.path + ".json") && run.outFiles.contains("annotated/" + row.key.path), "\(row.key.path)")
        }
        #expect(run.outFiles.filter { $0.hasSuffix(".json") && !$0.hasPrefix("annotated/") }.count == done.count)
        // It stopped taking files: the backlog was not finished.
        #expect(done.count < 150)
    }
}
