import CSQLite
import Foundation

/// One SQLite connection with a prepared-statement cache. Not thread-safe: `SQLiteStore` guards each
/// connection with a mutex.
// @unchecked Sendable: only ever used by one thread at a time, handed over under SQLiteStore's mutexes.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private var storeName: String { "sqlite:\(path)" }
    /// The writer's in-memory cross-feed dedup keys (unused on the read connection).
    let itemKeys = ItemKeyIndex()

    /// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError.cannotOpen(store: "sqlite:\(path)", reason: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit { close() }

    /// Hands this connection's WAL commits to `checkpointer` (see `BackgroundCheckpointer`).
    func checkpointInBackground(with checkpointer: BackgroundCheckpointer) {
        if let handle { checkpointer.watch(handle) }
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    func failure(_ code: Int32, _ sql: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return .statementFailed(store: storeName, code: "SQLITE_\(code)", message: message, sql: sql)
    }

    func executeScript(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(errorMessage)
            throw StoreError.statementFailed(store: storeName, code: "SQLITE_\(code)", message: message, sql: sql)
        }
    }

    /// The cached statement for `sql`. Hot paths fetch it once per batch and bind columns directly
    /// (`SQLiteRowBinder`) instead of hashing the SQL text and building `SQLValue` arrays per row.
    func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code, sql) }
        statements[sql] = statement
        return statement
    }

    /// A binder for running `sql` once per row on a hot path (see `SQLiteRowBinder`).
    func rowBinder(_ sql: String) throws -> SQLiteRowBinder {
        guard let handle else { throw StoreError.cannotOpen(store: storeName, reason: "connection is closed") }
        return SQLiteRowBinder(connection: self, handle: handle, statement: try prepared(sql), sql: sql)
    }

    private func bind(_ statement: OpaquePointer, _ parameters: [SQLValue], _ sql: String) throws {
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .real(let number): code = sqlite3_bind_double(statement, index, number)
            case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    // A zero-length blob must still be a blob, not NULL: bind_zeroblob keeps the type.
                    bytes.baseAddress == nil || bytes.isEmpty
                        ? sqlite3_bind_zeroblob(statement, index, 0)
                        : sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code, sql) }
        }
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(statement, parameters, sql)
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW { code = sqlite3_step(statement) }
        guard code == SQLITE_DONE else { throw failure(code, sql) }
        return Int(sqlite3_changes(handle))
    }

    func insertReturningID(_ sql: String, _ parameters: [SQLValue]) throws -> Int64? {
        try execute(sql, parameters) > 0 ? sqlite3_last_insert_rowid(handle) : nil
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(statement, parameters, sql)
        var rows: [SQLRow] = []
        let columns = sqlite3_column_count(statement)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(code, sql) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT:
                    values.append(.text(String(cString: sqlite3_column_text(statement, column))))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    if let bytes = sqlite3_column_blob(statement, column), count > 0 {
                        values.append(.blob(Data(bytes: bytes, count: count)))
                    } else {
                        values.append(.blob(Data()))
                    }
                default: values.append(.null)
                }
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    /// Reads rows of three nullable integers straight from the statement, without building `SQLRow`s: loading a
    /// million dedup keys through `query` took seconds.
    func forEachIntegerTriple(_ sql: String, _ parameters: [SQLValue], _ body: (Int64, Int64?, Int64?) -> Void) throws {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(statement, parameters, sql)
        func column(_ index: Int32) -> Int64? {
            sqlite3_column_type(statement, index) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, index)
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code, sql) }
            body(sqlite3_column_int64(statement, 0), column(1), column(2))
        }
    }
}
