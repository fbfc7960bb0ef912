import Foundation

/// The part of `Store` that is the same for both backends: everything runs as an `SQLTransaction` inside the
/// backend's own transaction handling.
protocol SQLBackedStore: Store {
    func inWriteTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T
    func inReadTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T
    /// Reads the applied schema version and applies missing migrations, under the backend's migration lock.
    func migrate() throws
}

extension SQLBackedStore {
    @discardableResult
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try inWriteTransaction { try body($0) }
    }

    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try inReadTransaction { try body($0) }
    }

    public func syncFeeds(_ feeds: [FeedSpec], now: Date) throws {
        try inWriteTransaction { try $0.syncFeeds(feeds, now: now) }
    }

    public func leaseDueFeeds(now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [FeedRecord] {
        try inWriteTransaction { try $0.leaseDueFeeds(now: now, limit: limit, owner: owner, leaseFor: leaseFor) }
    }

    public func releaseFeedLease(feedID: Int64, owner: String) throws {
        try inWriteTransaction { try $0.releaseFeedLease(feedID: feedID, owner: owner) }
    }

    public func claimAlerts(sink: String, now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [OutboxAlert] {
        try inWriteTransaction { try $0.claimAlerts(sink: sink, now: now, limit: limit, owner: owner, leaseFor: leaseFor) }
    }

    @discardableResult
    public func markDelivered(alertID: String, sink: String, owner: String, now: Date) throws -> Bool {
        try inWriteTransaction { try $0.markDelivered(alertID: alertID, sink: sink, owner: owner, now: now) }
    }

    @discardableResult
    public func markFailed(alertID: String, sink: String, owner: String, error: String, nextAttempt: Date?,
                           now: Date) throws -> Bool {
        try inWriteTransaction {
            try $0.markFailed(alertID: alertID, sink: sink, owner: owner, error: error, nextAttempt: nextAttempt, now: now)
        }
    }

    public func heartbeat(daemonID: String, pid: Int, host: String, started: Date, now: Date) throws {
        try inWriteTransaction { try $0.heartbeat(daemonID: daemonID, pid: pid, host: host, started: started, now: now) }
    }

    public func status(now: Date, recentAlerts: Int) throws -> StoreStatus {
        try inReadTransaction { transaction in
            let version = try MigrationRunner.appliedVersion(transaction.connection)
            return try transaction.status(now: now, recentAlerts: recentAlerts, schemaVersion: version)
        }
    }

    public func prune(olderThan cutoff: Date, dropClosedEventsBefore: Date?) throws -> PruneReport {
        try inWriteTransaction { try $0.prune(olderThan: cutoff, dropClosedEventsBefore: dropClosedEventsBefore) }
    }
}

/// Applies `Schema.migrations` on one connection, inside a transaction the caller opened.
enum MigrationRunner {
    static func ensureVersionTable(_ connection: SQLConnection) throws {
        try connection.executeScript(Schema.render(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied {REAL} NOT NULL)",
            for: connection.dialect))
    }

    static func appliedVersion(_ connection: SQLConnection) throws -> Int {
        try connection.queryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [])?.int(0) ?? 0
    }

    static func migrate(_ connection: SQLConnection, storeName: String, now: Date = Date()) throws {
        try ensureVersionTable(connection)
        let current = try appliedVersion(connection)
        guard current <= Schema.latestVersion else {
            throw StoreError.storeNewerThanBinary(store: storeName, storeVersion: current, binaryVersion: Schema.latestVersion)
        }
        for migration in Schema.migrations where migration.version > current {
            for statement in migration.statements(for: connection.dialect) {
                try connection.executeScript(Schema.render(statement, for: connection.dialect))
            }
            try connection.execute("INSERT INTO schema_migrations (version, summary, applied) VALUES (?, ?, ?)",
                                   [SQLValue(migration.version), .text(migration.summary), SQLValue(now)])
        }
    }
}
