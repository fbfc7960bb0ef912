import CPostgres
import Foundation
import Synchronization

public struct PostgresOptions: Sendable {
    /// Connections this handle keeps open at most; callers beyond that wait for one to come back.
    public var maxConnections = 4
    /// Attempts for a write transaction that hits a serialization failure or deadlock.
    public var maxAttempts = 8

    public init() {}
}

/// PostgreSQL through libpq (a system-library target builds in seconds; postgres-nio would add 12–16 minutes
/// to every clean CI build). Several daemons may share one database: feeds and alerts are leased with
/// `FOR UPDATE SKIP LOCKED`, judging of a topic is serialised with an advisory lock, and transactions that hit a
/// serialization failure or deadlock are run again.
public final class PostgresStore: SQLBackedStore {
    public let description: String
    public var otherHostsMayLease: Bool { true }
    private let url: String
    private let options: PostgresOptions
    private let pool: Mutex<Pool>
    private let returned = NSCondition()

    private struct Pool: ~Copyable {
        var idle: [PostgresConnection] = []
        var open = 0
        var closed = false
    }

    init(url: String, options: PostgresOptions) throws {
        self.url = url
        self.options = options
        self.description = Self.describe(url)
        self.pool = Mutex(Pool())
        // Open one connection now so a wrong URL fails at start, not at the first poll.
        let first = try PostgresConnection(url: url, storeName: description)
        pool.withLock { $0.idle.append(first); $0.open = 1 }
    }

    /// `postgresql://host:port/db` without user or password, for status output and error messages.
    static func describe(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "postgresql://?" }
        // libpq also takes the host (often a socket directory) as a query parameter; its default is localhost.
        let queryHost = components.queryItems?.first { $0.name == "host" }?.value
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? queryHost ?? "localhost"
        let port = components.port ?? 5432
        let database = components.path.isEmpty ? "" : components.path
        return "postgresql://\(host):\(port)\(database)"
    }

    public func close() {
        let connections = pool.withLock { pool -> [PostgresConnection] in
            pool.closed = true
            let idle = pool.idle
            pool.idle.removeAll()
            return idle
        }
        for connection in connections { connection.close() }
        returned.broadcast()
    }

    private func checkout() throws -> PostgresConnection {
        while true {
            enum Next { case use(PostgresConnection), openNew, wait, closed }
            let next: Next = pool.withLock { pool in
                if pool.closed { return .closed }
                if let connection = pool.idle.popLast() { return .use(connection) }
                if pool.open < max(1, options.maxConnections) {
                    pool.open += 1
                    return .openNew
                }
                return .wait
            }
            switch next {
            case .use(let connection):
                if connection.isHealthy { return connection }
                connection.close()
                pool.withLock { $0.open -= 1 }
            case .openNew:
                do {
                    return try PostgresConnection(url: url, storeName: description)
                } catch {
                    pool.withLock { $0.open -= 1 }
                    throw error
                }
            case .wait:
                returned.lock()
                _ = returned.wait(until: Date().addingTimeInterval(0.05))
                returned.unlock()
            case .closed:
                throw StoreError.cannotOpen(store: description, reason: "store is closed")
            }
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        let keep = connection.isHealthy && connection.isIdle
        let closed = pool.withLock { pool -> Bool in
            if keep && !pool.closed { pool.idle.append(connection) } else { pool.open -= 1 }
            return pool.closed
        }
        if !keep || closed { connection.close() }
        returned.broadcast()
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkout()
        defer { checkin(connection) }
        return try body(connection)
    }

    public func migrate() throws {
        try inWriteTransaction { transaction in
            // Daemons starting together must not run the same migration twice.
            _ = try transaction.connection.query("SELECT pg_advisory_xact_lock(7427001)", [])
            try MigrationRunner.migrate(transaction.connection, storeName: description)
        }
    }

    /// A transaction that failed because its connection broke before COMMIT was sent (the server restarted or
    /// went away): nothing of it was applied, so it runs again on a fresh connection. A break during COMMIT is
    /// not retried: the commit may have happened, and running the body again would apply it twice.
    private struct ConnectionLost: Error {
        let error: Error
    }

    /// Runs `body` on a pooled connection; a connection that broke under it turns the error into
    /// `ConnectionLost` (when `beforeCommit` was still true) and empties the pool's idle connections, which
    /// went to the same server and would each fail once more.
    private func onConnection<T>(_ body: (PostgresConnection, inout Bool) throws -> T) throws -> T {
        try withConnection { connection in
            var beforeCommit = true
            do {
                return try body(connection, &beforeCommit)
            } catch {
                guard !connection.isHealthy else { throw error }
                discardIdleConnections()
                throw beforeCommit ? ConnectionLost(error: error) : error
            }
        }
    }

    private func discardIdleConnections() {
        let idle = pool.withLock { pool -> [PostgresConnection] in
            let idle = pool.idle
            pool.idle.removeAll()
            pool.open -= idle.count
            return idle
        }
        for connection in idle { connection.close() }
        returned.broadcast()
    }

    /// Runs `attempt` again after a serialization failure, deadlock or lost connection, up to `maxAttempts`.
    private func retrying<T>(_ attempt: () throws -> T) throws -> T {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try attempt()
            } catch let lost as ConnectionLost {
                // The next attempt opens a new connection; if the server is still down that fails with a plain
                // `cannotOpen`, which the caller sees at once (no waiting here: the daemon's loops back off).
                guard attempts < options.maxAttempts else { throw lost.error }
            } catch let error as StoreError where error.isRetryable {
                guard attempts < options.maxAttempts else {
                    throw StoreError.retriesExhausted(store: description, attempts: attempts, lastError: "\(error)")
                }
                // Back off a little, with jitter, so the transactions that collided do not collide again.
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempts))))
            }
        }
    }

    func inWriteTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        try retrying {
            try onConnection { connection, beforeCommit in
                try connection.executeScript("BEGIN")
                do {
                    let transaction = PostgresTransaction(connection: connection, storeName: description)
                    let result = try body(transaction)
                    try transaction.flushCounters()
                    beforeCommit = false
                    try connection.executeScript("COMMIT")
                    return result
                } catch {
                    try? connection.executeScript("ROLLBACK")
                    throw error
                }
            }
        }
    }

    func inReadTransaction<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        // A read has no commit to be unsure of: any lost connection is retried.
        try retrying {
            try onConnection { connection, _ in
                try connection.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                defer { try? connection.executeScript("COMMIT") }
                return try body(PostgresTransaction(connection: connection, storeName: description))
            }
        }
    }

    /// `pg_database_size` of the store's database (tables, indexes, TOAST).
    public func databaseBytes() throws -> Int64 {
        try inReadTransaction { try $0.connection.queryOne("SELECT pg_database_size(current_database())", [])?.int64(0) ?? 0 }
    }
}
