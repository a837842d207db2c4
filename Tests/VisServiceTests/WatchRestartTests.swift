// Restarting `vispipe watch` redoes nothing that is done, and one ledger serves one daemon at a time.
import Foundation
import Testing
import VisService

@Suite(.serialized) struct WatchRestartTests {
    @Test func filesLeftInTheInboxAreNotProcessedAgainAndASecondDaemonIsRefused() throws {
        let workspace = try WatchWorkspace()
        defer { workspace.remove() }
        let log = workspace.root.appendingPathComponent("daemon.log").path
        for index in 0..<10 {
            try WatchWorkspace.png(index).write(to: URL(fileURLWithPath: workspace.inbox + "/img\(index).png"))
        }
        let arguments = ["--settle", "0.05"]
        let first = try workspace.startDaemon(arguments, log: log)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let resultFiles = { WatchWorkspace.files(under: workspace.out).filter { !$0.hasPrefix("annotated/") && $0.hasSuffix(".json") } }
        #expect(WatchWorkspace.wait(seconds: 120) { resultFiles().count == 10 })

        let secondLog = workspace.root.appendingPathComponent("second.log").path
        let second = try workspace.startDaemon(arguments, log: secondLog)
        second.waitUntilExit()
        #expect(second.terminationStatus == 1)
        #expect(((try? String(contentsOfFile: secondLog, encoding: .utf8)) ?? "").contains("another vispipe watch"))

        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        func modificationTimes() throws -> [String: Date] {
            var times: [String: Date] = [:]
            for file in resultFiles() {
                times[file] = try FileManager.default.attributesOfItem(atPath: workspace.out + "/" + file)[.modificationDate] as? Date
            }
            return times
        }
        let before = try modificationTimes()

        // No --done: the originals stay in the inbox; the restart's backlog scan must skip them all.
        let third = try workspace.startDaemon(arguments, log: log)
        defer { if third.isRunning { kill(third.processIdentifier, SIGKILL) } }
        usleep(1_500_000)
        kill(third.processIdentifier, SIGTERM)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)
        #expect(try modificationTimes() == before)
        let rows = try WatchLedger(path: workspace.ledger).entries()
        #expect(rows.count == 10 && rows.allSatisfy { $0.state == .done && $0.attempts == 1 })
        #expect(WatchWorkspace.files(under: workspace.inbox).count == 10)
    }
}
