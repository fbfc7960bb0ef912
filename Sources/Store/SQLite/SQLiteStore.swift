import CSQLite
import Foundation
import Synchronization

public struct SQLiteOptions: Sendable {
    /// How long a writer waits for another process's write lock before failing.
    public var busyTimeout: TimeInterval = 10
    /// `synchronous=NORMAL` in WAL mode survives any process crash (kill -9); only a power loss can drop the last
    /// commits, and never corrupts. `FULL` also survives power loss, at one fsync per commit.
    public var synchronousFull = false
    /// Page cache per connection, in MiB. Small on purpose: SQLite walks every page of the cache's hash table at
    /// each commit (pcache1 truncation), which at 64 MiB was 12 % of ingest CPU; reads of a big store go through
    /// the memory map, and one fetch's writes dirty a few dozen pages.
    public var cacheMiB = 8
    /// The writer connection's page cache, in MiB, when it is to differ from `cacheMiB` (nil: the same). It must
    /// hold every page one transaction dirties: a page that does not fit is spilled to the WAL before the commit,
    /// and when the transaction dirties it again it is rewritten in place, after which SQLite reads back every
    /// frame written since the first such page to recompute their checksums at commit (issue 19).
    public var writerCacheMiB: Int? = nil
    /// Reads through a memory map of this size (fewer syscalls on big stores; writes still go through the WAL).
    public var mmapMiB = 256
    /// WAL pages between checkpoints (run by `BackgroundCheckpointer`, off the writer's path). Larger than
    /// SQLite's 1000 so index pages rewritten by many consecutive transactions are copied back (and fsynced)
    /// once, not every few transactions. 2048 pages of 16 KiB: a WAL of about 32 MiB between checkpoints.
    public var walAutocheckpointPages = 2048
    /// A WAL that a burst grew beyond this is cut back to it when it restarts.
    public var walSizeLimitMiB = 64
    /// Page size of a store created by this handle (an existing file keeps its own until VACUUMed). 16 KiB
    /// rather than SQLite's 4 KiB: an item row holds its text twice (plain and HTML), 1-5 KB for feeds that
    /// carry whole articles, and rows that size leave much of an 8 KiB page empty. On the 10,000-feed poll
    /// benchmark (200,000 items of 2-5 KB, issue 19) the file was 791 MB instead of 983 MB at 8 KiB (32 KiB: 741),
    /// every byte of it written twice (WAL, then checkpoint); CPU: 14.0 against 16.1 CPU-s in one A/B pair, within
    /// the noise in the later ones (a busy 2-core host), and never more.
    /// (At 4 KiB against 8 KiB, with rows of about 1 KB, a bulk insert of 200,000 rows cost 20-25 % more.)
    public var pageSize = 16384

    public init() {}
}

/// The embedded store: one SQLite file in WAL mode. All writes of this process go through one connection under
/// a mutex and start with BEGIN IMMEDIATE, so a transaction never has to be retried for a lock upgrade; reads use
/// a second connection and see the last committed state without blocking the writer.
public final class SQLiteStore: SQLBackedStore {
    public let path: String
    public var description: String { "sqlite:\(path)" }
    /// A file on this host: one writer process at a time (other processes read, or wait for the write lock).
    public var otherHostsMayLease: Bool { false }
    private let writer: Mutex<SQLiteConnection?>
    private let reader: Mutex<SQLiteConnection?>
    private let checkpointer: BackgroundCheckpointer

    init(path: String, options: SQLiteOptions) throws {
        self.path = path
        let timeout = Int32(min(max(options.busyTimeout * 1000, 0), Double(Int32.max)))
        let writeConnection = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: timeout)
        // page_size first: it only takes effect before the first table exists, and WAL mode fixes it too.
        let pragmas = """
            PRAGMA page_size = \(options.pageSize);
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = \(options.synchronousFull ? "FULL" : "NORMAL");
            PRAGMA cache_size = -\((options.writerCacheMiB ?? options.cacheMiB) * 1024);
            PRAGMA temp_store = MEMORY;
            PRAGMA foreign_keys = OFF;
            PRAGMA mmap_size = \(options.mmapMiB * 1024 * 1024);
            PRAGMA journal_size_limit = \(options.walSizeLimitMiB * 1024 * 1024);
            """
        do {
            try writeConnection.executeScript(pragmas)
        } catch {
            throw StoreError.cannotOpen(store: "sqlite:\(path)", reason: "\(error)")
        }
        let readConnection = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: timeout)
        try readConnection.executeScript("""
            PRAGMA cache_size = -\(options.cacheMiB * 1024); PRAGMA mmap_size = \(options.mmapMiB * 1024 * 1024);
            PRAGMA query_only = ON;
            """)
        checkpointer = BackgroundCheckpointer(path: path, thresholdFrames: Int32(clamping: options.walAutocheckpointPages))
        writeConnection.checkpointInBackground(with: checkpointer)
        writer = Mutex(writeConnection)
        reader = Mutex(readConnection)
    }

    deinit { checkpointer.stop() }

    /// The writer closes last: the last connection to close copies the WAL back and removes it.
    public func close() {
        checkpointer.stop()
        reader.withLock { $0?.close(); $0 = nil }
        writer.withLock { $0?.close(); $0 = nil }
    }

    /// Checkpoints the background thread ran so far, and whether it was started at all (tests).
    var backgroundCheckpoints: Int { checkpointer.checkpoints }
    var checkpointThreadStarted: Bool { checkpointer.threadStarted }

    private func closedError() -> StoreError { .cannotOpen(store: description, reason: "store is closed") }

    public func migrate() throws {
        try inWriteTransaction { try MigrationRunner.migrate($0.connection, storeName: description) }
    }

    func inWriteTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        try writer.withLock { connection in
            guard let connection else { throw closedError() }
            try connection.executeScript("BEGIN IMMEDIATE")
            do {
                let transaction = SQLiteTransaction(connection: connection, storeName: description)
                let result = try body(transaction)
                try transaction.flushCounters()
                try connection.executeScript("COMMIT")
                connection.itemKeys.transactionCommitted()
                return result
            } catch {
                try? connection.executeScript("ROLLBACK")
                connection.itemKeys.transactionRolledBack()
                throw error
            }
        }
    }

    func inReadTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        try reader.withLock { connection in
            guard let connection else { throw closedError() }
            // One snapshot for the whole read, so status totals agree with each other.
            try connection.executeScript("BEGIN DEFERRED")
            defer { try? connection.executeScript("COMMIT") }
            return try body(SQLiteTransaction(connection: connection, storeName: description))
        }
    }

    /// `PRAGMA integrity_check`: "ok", or the problems SQLite found.
    public func integrityCheck() throws -> String {
        try reader.withLock { connection in
            guard let connection else { throw closedError() }
            return try connection.query("PRAGMA integrity_check", []).compactMap { $0.string(0) }.joined(separator: "\n")
        }
    }

    /// Moves the WAL into the main file and truncates it (so file size reflects the data; used by benchmarks).
    public func checkpoint() throws {
        try writer.withLock { connection in
            guard let connection else { throw closedError() }
            // A checkpoint lock is never waited for: while the background thread holds it, TRUNCATE answers busy
            // (its first column) and leaves the WAL as is. Wait for the thread's pass and try again.
            for _ in 0..<5 {
                checkpointer.waitWhileCheckpointing()
                guard try connection.queryOne("PRAGMA wal_checkpoint(TRUNCATE)", [])?.int(0) == 1 else { return }
            }
        }
    }

    /// Refreshes the planner's statistics (cheap with the analysis limit; worth doing after bulk loads).
    public func optimize() throws {
        try writer.withLock { connection in
            guard let connection else { throw closedError() }
            try connection.executeScript("PRAGMA analysis_limit = 1000; PRAGMA optimize;")
        }
    }

    /// The writer's in-memory cross-feed dedup keys (`ItemKeyIndex`): keys held and bytes of their hash tables.
    /// Loaded at the first write after opening; for benchmarks and memory budgets.
    public func dedupIndexFootprint() throws -> (keys: Int, bytes: Int) {
        try writer.withLock { connection in
            guard let connection else { throw closedError() }
            return connection.itemKeys.footprint
        }
    }

    /// Bytes the database occupies: main file plus WAL.
    public func databaseBytes() throws -> Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            total += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return total
    }
}
