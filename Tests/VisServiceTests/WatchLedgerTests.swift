import Foundation
import Testing
import VisService

@Suite struct WatchLedgerTests {
    private func withLedger(_ body: (WatchLedger) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(WatchLedger(path: folder.appendingPathComponent("ledger.sqlite").path))
    }

    private let key = WatchLedger.Key(path: "a/b.png", size: 120, modificationTime: 1_700_000_000.25, sha256: String(repeating: "ab", count: 32))

    @Test func claimThenDoneIsTerminal() throws {
        try withLedger { (ledger: WatchLedger) throws in
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 100) == .claimed(attempt: 1))
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 101) == .leased(until: 160))
            try ledger.markDone(key, now: 102)
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 103) == .finished(.done))
            let entry = try #require(try ledger.entry(key))
            #expect(entry.state == .done && entry.attempts == 1 && entry.leaseExpires == nil)
            #expect(try ledger.terminalEntry(path: key.path, size: key.size, modificationTime: key.modificationTime)?.state == .done)
            #expect(try ledger.terminalEntry(path: key.path, size: key.size + 1, modificationTime: key.modificationTime) == nil)
        }
    }

    @Test func failuresRetryUntilTheBudgetIsSpent() throws {
        try withLedger { (ledger: WatchLedger) throws in
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 0) == .claimed(attempt: 1))
            #expect(try ledger.recordFailure(key, error: "decode: bad", maxAttempts: 3, now: 1) == .willRetry(attempts: 1))
            #expect(try ledger.entry(key)?.state == .pending)
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 2) == .claimed(attempt: 2))
            #expect(try ledger.recordFailure(key, error: "decode: bad", maxAttempts: 3, now: 3) == .willRetry(attempts: 2))
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 4) == .claimed(attempt: 3))
            #expect(try ledger.recordFailure(key, error: "decode: worse", maxAttempts: 3, now: 5) == .exhausted(attempts: 3))
            #expect(try ledger.claim(key, lease: 60, maxAttempts: 3, now: 6) == .finished(.failed))
            let entry = try #require(try ledger.entry(key))
            #expect(entry.state == .failed && entry.lastError == "decode: worse")
        }
    }

    @Test func anExpiredLeaseIsTakenAgainAndCountsAsAnAttempt() throws {
        try withLedger { (ledger: WatchLedger) throws in
            #expect(try ledger.claim(key, lease: 10, maxAttempts: 2, now: 0) == .claimed(attempt: 1))
            #expect(try ledger.claim(key, lease: 10, maxAttempts: 2, now: 9.9) == .leased(until: 10))
            #expect(try ledger.claim(key, lease: 10, maxAttempts: 2, now: 10) == .claimed(attempt: 2))
            // The process keeps dying on this file: once the budget is spent, the expired claim becomes failed.
            #expect(try ledger.claim(key, lease: 10, maxAttempts: 2, now: 25) == .exhausted(attempts: 2))
            #expect(try ledger.entry(key)?.state == .failed)
        }
    }

    @Test func expireClaimsEndsEveryLeaseAndReleaseDoesNotCountTheAttempt() throws {
        try withLedger { (ledger: WatchLedger) throws in
            let other = WatchLedger.Key(path: "c.png", size: 1, modificationTime: 2, sha256: "00")
            _ = try ledger.claim(key, lease: 600, maxAttempts: 3, now: 0)
            _ = try ledger.claim(other, lease: 600, maxAttempts: 3, now: 0)
            #expect(try ledger.expireClaims(now: 5) == 2)
            #expect(try ledger.claim(key, lease: 600, maxAttempts: 3, now: 5) == .claimed(attempt: 2))
            try ledger.release(key, now: 6)
            let entry = try #require(try ledger.entry(key))
            #expect(entry.state == .pending && entry.attempts == 1)
            #expect(try ledger.entries(state: .claimed).map(\.key) == [other])
        }
    }

    @Test func theLedgerSurvivesReopening() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ledger.sqlite").path
        do {
            let ledger = try WatchLedger(path: path)
            _ = try ledger.claim(key, lease: 60, maxAttempts: 3, now: 0)
            try ledger.markDone(key, now: 1)
        }
        #expect(try WatchLedger(path: path).entries().map(\.state) == [.done])
    }
}
