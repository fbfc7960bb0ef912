import CPostgres
import Foundation

/// One libpq connection with a prepared-statement cache. Parameters go as text, blobs as binary; results come
/// back as text and are converted by column type. Not thread-safe: `PostgresStore` hands a connection to one
/// caller at a time.
// @unchecked Sendable: only ever used by one thread at a time, handed over through PostgresStore's pool.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    private var handle: OpaquePointer?
    private let storeName: String
    /// SQL text (with `?` placeholders) → server-side statement name.
    private var statements: [String: String] = [:]

    init(url: String, storeName: String) throws {
        self.storeName = storeName
        guard let connection = PQconnectdb(url) else {
            throw StoreError.cannotOpen(store: storeName, reason: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw StoreError.cannotOpen(store: storeName, reason: reason)
        }
        handle = connection
        // libpq prints NOTICEs (e.g. "relation already exists, skipping") to stderr by default; the daemon's
        // stderr is its log, so drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try executeScript("SET client_min_messages = warning; SET TIME ZONE 'UTC'")
    }

    deinit { close() }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// False once the server went away; the store then discards this connection.
    var isHealthy: Bool { handle != nil && PQstatus(handle) == CONNECTION_OK }

    /// True when the connection is idle outside a transaction (safe to hand to the next caller).
    var isIdle: Bool { handle != nil && PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// `?` → `$1, $2, …`. Our statements never put `?` inside string literals.
    static func numberPlaceholders(_ sql: String) -> (String, Int) {
        var result = ""
        result.reserveCapacity(sql.count + 16)
        var count = 0
        for character in sql {
            if character == "?" {
                count += 1
                result += "$\(count)"
            } else {
                result.append(character)
            }
        }
        return (result, count)
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws -> OpaquePointer {
        guard let result else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            throw StoreError.statementFailed(store: storeName, code: "connection", message: message, sql: sql)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?????"
            let message = String(cString: PQresultErrorMessage(result))
            PQclear(result)
            throw StoreError.statementFailed(store: storeName, code: sqlState, message: message, sql: sql)
        }
        return result
    }

    func executeScript(_ sql: String) throws {
        PQclear(try check(PQexec(handle, sql), sql))
    }

    private func statementName(_ sql: String) throws -> String {
        if let name = statements[sql] { return name }
        let name = "tidings_\(statements.count + 1)"
        let (numbered, count) = Self.numberPlaceholders(sql)
        PQclear(try check(PQprepare(handle, name, numbered, Int32(count), nil), sql))
        statements[sql] = name
        return name
    }

    private func run(_ sql: String, _ parameters: [SQLValue]) throws -> OpaquePointer {
        let name = try statementName(sql)
        var values: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        values.reserveCapacity(parameters.count)
        defer { for value in values { free(value) } }
        for parameter in parameters {
            switch parameter {
            case .null:
                values.append(nil); lengths.append(0); formats.append(0)
            case .integer(let number):
                values.append(strdup(String(number))); lengths.append(0); formats.append(0)
            case .real(let number):
                values.append(strdup(number.isFinite ? "\(number)" : "0")); lengths.append(0); formats.append(0)
            case .text(let text):
                // PostgreSQL text cannot hold NUL; feeds occasionally carry one. Looked for in the UTF-8 bytes:
                // `String.contains(String)` went through Foundation's NSString search, a third of ingest CPU.
                let clean = text.utf8.contains(0) ? text.replacingOccurrences(of: "\0", with: "") : text
                values.append(strdup(clean)); lengths.append(0); formats.append(0)
            case .blob(let data):
                let buffer = malloc(max(data.count, 1))!.assumingMemoryBound(to: CChar.self)
                data.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress { memcpy(buffer, base, bytes.count) }
                }
                values.append(buffer); lengths.append(Int32(data.count)); formats.append(1)
            }
        }
        let result = values.withUnsafeBufferPointer { valuePointers in
            valuePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constValues in
                PQexecPrepared(handle, name, Int32(parameters.count), constValues.baseAddress, lengths, formats, 0)
            }
        }
        return try check(result, sql)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func insertReturningID(_ sql: String, _ parameters: [SQLValue]) throws -> Int64? {
        try query(sql + " RETURNING id", parameters).first?.int64(0)
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        let rowCount = PQntuples(result), columnCount = PQnfields(result)
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(.null)
                    continue
                }
                let raw = PQgetvalue(result, row, column)!
                let length = Int(PQgetlength(result, row, column))
                values.append(Self.convert(raw, length: length, type: types[Int(column)]))
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    /// Type OIDs from pg_type.h: bool 16, bytea 17, int8 20, int2 21, int4 23, float4 700, float8 701, numeric 1700.
    private static func convert(_ raw: UnsafeMutablePointer<CChar>, length: Int, type: Oid) -> SQLValue {
        let text = String(cString: raw)
        switch type {
        case 20, 21, 23: return .integer(Int64(text) ?? 0)
        case 700, 701, 1700: return .real(Double(text) ?? 0)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 17: return .blob(decodeHexBytea(text))
        default: return .text(text)
        }
    }

    /// bytea in text output is `\x` followed by hex digits.
    static func decodeHexBytea(_ text: String) -> Data {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") else { return Data(utf8) }
        func nibble(_ byte: UInt8) -> UInt8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return 0
            }
        }
        var data = Data(capacity: (utf8.count - 2) / 2)
        var index = 2
        while index + 1 < utf8.count {
            data.append(nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return data
    }
}
