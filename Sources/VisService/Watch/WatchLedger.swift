import Foundation
import GRDB

/// The watch daemon's memory: one SQLite row per distinct inbox file (WAL journal, so a crash at
/// any point leaves the last committed state). Nothing about processed files is kept in memory.
///
/// Schema (table `items`):
/// `path` (inbox-relative), `size`, `mtime` (seconds since 1970), `sha256` (hex of the content) —
/// together the primary key; `state` (`claimed`, `pending`, `done`, `failed`), `attempts`,
/// `lease_expires` (seconds since 1970, for `claimed`), `last_error`, `created_at`, `updated_at`.
public final class WatchLedger: Sendable {
    /// Identifies one version of one file.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var size: Int64
        public var modificationTime: Double
        public var sha256: String
        public init(path: String, size: Int64, modificationTime: Double, sha256: String) {
            self.path = path; self.size = size; self.modificationTime = modificationTime; self.sha256 = sha256
        }
        public var description: String { "\(path) (\(size) bytes, sha256 \(sha256.prefix(12))…)" }
    }

    public enum State: String, Sendable, CaseIterable {
        /// Being processed by the daemon holding the lease.
        case claimed
        /// An attempt failed (or was abandoned); the file is taken again.
        case pending
        /// Outputs are written; terminal.
        case done
        /// Failed `--max-attempts` times; the file went to the failed folder; terminal.
        case failed
    }

    /// One row of the ledger.
    public struct Entry: Sendable, Equatable {
        public var key: Key
        public var state: State
        public var attempts: Int
        public var leaseExpires: Double?
        public var lastError: String?
        public var createdAt: Double
        public var updatedAt: Double
    }

    /// What `claim` decided.
    public enum Claim: Sendable, Equatable {
        /// The caller owns the file for this attempt (1-based).
        case claimed(attempt: Int)
        /// The file already reached a terminal state.
        case finished(State)
        /// Another holder's lease has not expired.
        case leased(until: Double)
        /// A lease expired with the attempt budget spent (the process died on this file every time):
        /// the row is now `failed`.
        case exhausted(attempts: Int)
    }

    /// What `recordFailure` decided.
    public enum FailureOutcome: Sendable, Equatable {
        case willRetry(attempts: Int)
        /// The budget is spent; the row is `failed`.
        case exhausted(attempts: Int)
    }

    private let database: DatabaseQueue
    public let path: String

    /// Opens (creating when needed) the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL keeps readers (sqlite3 during an inspection) from blocking the daemon.
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS items (
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime REAL NOT NULL,
                    sha256 TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('claimed', 'pending', 'done', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lease_expires REAL,
                    last_error TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (path, size, mtime, sha256)
                );
                CREATE INDEX IF NOT EXISTS items_state ON items (state);
                """)
        }
    }

    private static let keyCondition = "path = ? AND size = ? AND mtime = ? AND sha256 = ?"
    private static func arguments(_ key: Key) -> StatementArguments {
        [key.path, key.size, key.modificationTime, key.sha256]
    }

    /// The finished (`done` or `failed`) row of a file with this path, size and mtime, if any — checked
    /// before hashing, so files left in the inbox after processing are not hashed again at every rescan.
    public func terminalEntry(path: String, size: Int64, modificationTime: Double) throws -> Entry? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM items WHERE path = ? AND size = ? AND mtime = ? AND state IN ('done', 'failed') LIMIT 1
                """, arguments: [path, size, modificationTime]).map(Self.entry)
        }
    }

    /// Takes `key` for one attempt with a lease of `lease` seconds, unless it is finished or held.
    public func claim(_ key: Key, lease: Double, maxAttempts: Int, now: Double) throws -> Claim {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT state, attempts, lease_expires FROM items WHERE \(Self.keyCondition)",
                                             arguments: Self.arguments(key)) else {
                try db.execute(sql: """
                    INSERT INTO items (path, size, mtime, sha256, state, attempts, lease_expires, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'claimed', 1, ?, ?, ?)
                    """, arguments: [key.path, key.size, key.modificationTime, key.sha256, now + lease, now, now])
                return .claimed(attempt: 1)
            }
            let state = State(rawValue: row["state"]) ?? .pending
            let attempts: Int = row["attempts"]
            switch state {
            case .done, .failed:
                return .finished(state)
            case .claimed:
                let expires: Double = row["lease_expires"] ?? 0
                if expires > now { return .leased(until: expires) }
                if attempts >= maxAttempts {
                    try db.execute(sql: """
                        UPDATE items SET state = 'failed', lease_expires = NULL, updated_at = ?,
                            last_error = COALESCE(last_error || '; ', '') || ?
                        WHERE \(Self.keyCondition)
                        """, arguments: [now, "lease expired \(attempts) times (the process stopped while processing it)"]
                            + Self.arguments(key))
                    return .exhausted(attempts: attempts)
                }
            case .pending:
                break
            }
            try db.execute(sql: """
                UPDATE items SET state = 'claimed', attempts = attempts + 1, lease_expires = ?, updated_at = ?
                WHERE \(Self.keyCondition)
                """, arguments: [now + lease, now] + Self.arguments(key))
            return .claimed(attempt: attempts + 1)
        }
    }

    /// Marks `key` done (its outputs are written).
    public func markDone(_ key: Key, now: Double) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE items SET state = 'done', lease_expires = NULL, updated_at = ? WHERE \(Self.keyCondition)",
                           arguments: [now] + Self.arguments(key))
        }
    }

    /// Records a failed attempt: `pending` while attempts remain, `failed` once `maxAttempts` are spent.
    public func recordFailure(_ key: Key, error: String, maxAttempts: Int, now: Double) throws -> FailureOutcome {
        try database.write { db in
            let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM items WHERE \(Self.keyCondition)",
                                            arguments: Self.arguments(key)) ?? maxAttempts
            let exhausted = attempts >= maxAttempts
            try db.execute(sql: """
                UPDATE items SET state = ?, lease_expires = NULL, last_error = ?, updated_at = ? WHERE \(Self.keyCondition)
                """, arguments: [exhausted ? State.failed.rawValue : State.pending.rawValue, error, now] + Self.arguments(key))
            return exhausted ? .exhausted(attempts: attempts) : .willRetry(attempts: attempts)
        }
    }

    /// Gives an abandoned attempt back (a stop with `--on-stop abandon`): `pending`, the attempt not counted.
    public func release(_ key: Key, now: Double) throws {
        try database.write { db in
            try db.execute(sql: """
                UPDATE items SET state = 'pending', attempts = MAX(attempts - 1, 0), lease_expires = NULL, updated_at = ?
                WHERE state = 'claimed' AND \(Self.keyCondition)
                """, arguments: [now] + Self.arguments(key))
        }
    }

    /// Ends every lease now: called at start-up by the one daemon holding the ledger's lock, when
    /// any `claimed` row belongs to a process that died. Returns how many rows were affected.
    @discardableResult
    public func expireClaims(now: Double) throws -> Int {
        try database.write { db in
            try db.execute(sql: "UPDATE items SET lease_expires = ? WHERE state = 'claimed'", arguments: [now])
            return db.changesCount
        }
    }

    /// The row of `key`, if any.
    public func entry(_ key: Key) throws -> Entry? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM items WHERE \(Self.keyCondition)", arguments: Self.arguments(key)).map(Self.entry)
        }
    }

    /// The rows in `state` (all rows when nil), ordered by path.
    public func entries(state: State? = nil) throws -> [Entry] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM items \(state == nil ? "" : "WHERE state = ?") ORDER BY path, created_at",
                                        arguments: state.map { [$0.rawValue] } ?? [])
            return rows.map(Self.entry)
        }
    }

    private static func entry(_ row: Row) -> Entry {
        Entry(key: Key(path: row["path"], size: row["size"], modificationTime: row["mtime"], sha256: row["sha256"]),
              state: State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
              leaseExpires: row["lease_expires"], lastError: row["last_error"],
              createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
