import CSQLite

/// Runs one cached statement per row with values bound straight from Swift, for the item insert (the one
/// statement run once per stored item). Text is bound with SQLITE_STATIC from inside the strings' own UTF-8
/// storage, so SQLite neither copies it nor measures it with strlen; the statement is stepped while those
/// scopes are open, and reset and cleared before they close.
struct SQLiteRowBinder {
    let connection: SQLiteConnection
    let handle: OpaquePointer
    let statement: OpaquePointer
    let sql: String

    /// SQLITE_STATIC: the bound buffer outlives the step (the caller's scope holds it).
    private static let staticDestructor = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64?) throws {
        let code = value.map { sqlite3_bind_int64(statement, index, $0) } ?? sqlite3_bind_null(statement, index)
        guard code == SQLITE_OK else { throw connection.failure(code, sql) }
    }

    func bind(_ index: Int32, _ value: Double?) throws {
        let code = value.map { sqlite3_bind_double(statement, index, $0) } ?? sqlite3_bind_null(statement, index)
        guard code == SQLITE_OK else { throw connection.failure(code, sql) }
    }

    /// Binds `texts` (parameter index, value) and then runs the statement once, returning the new rowid, or nil
    /// when the row was not inserted (ON CONFLICT DO NOTHING).
    func insert(texts: [(Int32, String?)]) throws -> Int64? {
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        return try bindTexts(texts[...])
    }

    private func bindTexts(_ texts: ArraySlice<(Int32, String?)>) throws -> Int64? {
        guard let (index, text) = texts.first else { return try step() }
        guard var text else {
            let code = sqlite3_bind_null(statement, index)
            guard code == SQLITE_OK else { throw connection.failure(code, sql) }
            return try bindTexts(texts.dropFirst())
        }
        return try text.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite reads a NULL pointer as SQL NULL, so bind "" instead.
            // bind_text64: a length in 64 bits, so an absurdly long text is refused by SQLite (SQLITE_TOOBIG)
            // instead of trapping on a 32-bit conversion.
            let code = bytes.baseAddress.map {
                sqlite3_bind_text64(statement, index, UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self),
                                    UInt64(bytes.count), Self.staticDestructor, UInt8(SQLITE_UTF8))
            } ?? sqlite3_bind_text(statement, index, "", 0, Self.staticDestructor)
            guard code == SQLITE_OK else { throw connection.failure(code, sql) }
            return try bindTexts(texts.dropFirst())
        }
    }

    private func step() throws -> Int64? {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else { throw connection.failure(code, sql) }
        return sqlite3_changes(handle) > 0 ? sqlite3_last_insert_rowid(handle) : nil
    }
}
