import Foundation
import Synchronization
import Testing
import VisService

@Suite struct InboxWatcherTests {
    /// Collects the watcher's events on a task until `stop`.
    private final class Collector: Sendable {
        let events = Mutex<[InboxEvent]>([])
        /// The limit only guards against a hang: in a full parallel test run the cooperative pool
        /// (two threads here) can be busy with CPU-bound tests for several seconds.
        func wait(for expected: InboxEvent, seconds: Double = 60) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if events.withLock({ $0.contains(expected) }) { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
    }

    @Test func reportsClosedAndMovedInFilesAndNewFoldersButNotIgnoredNames() async throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-inotify-\(UUID().uuidString)").path
        let outside = inbox + "-staging"
        for folder in [inbox + "/existing", inbox + "/out", outside] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        defer { for folder in [inbox, outside] { try? FileManager.default.removeItem(atPath: folder) } }
        let watcher = try InboxWatcher(root: inbox, recursive: true, excluded: [inbox + "/out"])
        let collector = Collector()
        let reader = Task { for await event in watcher.events { collector.events.withLock { $0.append(event) } } }

        try Data("a".utf8).write(to: URL(fileURLWithPath: inbox + "/written.png"))
        try Data("b".utf8).write(to: URL(fileURLWithPath: inbox + "/existing/nested.png"))
        try Data("c".utf8).write(to: URL(fileURLWithPath: outside + "/moved.png"))
        try FileManager.default.moveItem(atPath: outside + "/moved.png", toPath: inbox + "/moved.png")
        try Data("d".utf8).write(to: URL(fileURLWithPath: inbox + "/upload.png.part"))
        try FileManager.default.moveItem(atPath: inbox + "/upload.png.part", toPath: inbox + "/upload.png")
        try Data("e".utf8).write(to: URL(fileURLWithPath: inbox + "/.hidden.png"))
        try Data("f".utf8).write(to: URL(fileURLWithPath: inbox + "/out/result.json"))
        try FileManager.default.createDirectory(atPath: inbox + "/new", withIntermediateDirectories: true)

        #expect(await collector.wait(for: .file(inbox + "/written.png")))
        #expect(await collector.wait(for: .file(inbox + "/existing/nested.png")))
        #expect(await collector.wait(for: .file(inbox + "/moved.png")))
        #expect(await collector.wait(for: .file(inbox + "/upload.png")))
        #expect(await collector.wait(for: .directory(inbox + "/new")))
        // The new folder is watched from now on.
        try Data("g".utf8).write(to: URL(fileURLWithPath: inbox + "/new/late.png"))
        #expect(await collector.wait(for: .file(inbox + "/new/late.png")))

        watcher.stop()
        await reader.value  // the stream finishes after stop()
        let seen = collector.events.withLock { $0 }
        #expect(!seen.contains(.file(inbox + "/upload.png.part")))
        #expect(!seen.contains(.file(inbox + "/.hidden.png")))
        #expect(!seen.contains(.file(inbox + "/out/result.json")))
    }

    @Test func scanListsTheBacklogWithoutIgnoredNamesOrOwnFolders() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-scan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        for path in ["a.png", "sub/b.png", "sub/.c.png", "d.tmp", "out/e.json", ".hidden/f.png"] {
            let full = inbox + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: full))
        }
        #expect(InboxScan.files(under: inbox, recursive: true, excluded: [inbox + "/out"]).sorted() == [inbox + "/a.png", inbox + "/sub/b.png"])
        #expect(InboxScan.files(under: inbox, recursive: false, excluded: []) == [inbox + "/a.png"])
    }
}
