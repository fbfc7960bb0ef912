import Foundation

/// A value crossing the boundary between Swift and either database. Dates travel as Unix seconds (Double)
/// so both backends store and compare them the same way.
enum SQLValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int) { self = .integer(Int64(value)) }
    init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    init(_ value: Bool) { self = .integer(value ? 1 : 0) }
    init(_ value: Date?) { self = value.map { .real($0.timeIntervalSince1970) } ?? .null }
    init(_ value: Data) { self = .blob(value) }
}

/// One result row; accessors coerce between the representations the two backends hand back.
struct SQLRow: Sendable {
    let values: [SQLValue]

    func int64(_ index: Int) -> Int64? {
        switch values[index] {
        case .integer(let value): return value
        case .real(let value): return Int64(value)
        case .text(let value): return Int64(value) ?? Double(value).map { Int64($0) }
        case .null, .blob: return nil
        }
    }

    func int(_ index: Int) -> Int { int64(index).map { Int($0) } ?? 0 }

    func bool(_ index: Int) -> Bool { (int64(index) ?? 0) != 0 }

    func double(_ index: Int) -> Double? {
        switch values[index] {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        case .text(let value): return Double(value)
        case .null, .blob: return nil
        }
    }

    func date(_ index: Int) -> Date? { double(index).map { Date(timeIntervalSince1970: $0) } }

    func string(_ index: Int) -> String? {
        switch values[index] {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .blob(let value): return String(decoding: value, as: UTF8.self)
        case .null: return nil
        }
    }

    func data(_ index: Int) -> Data {
        switch values[index] {
        case .blob(let value): return value
        case .text(let value): return Data(value.utf8)
        default: return Data()
        }
    }
}

/// What the shared store logic needs from a connection. Statements use `?` placeholders; the PostgreSQL
/// connection rewrites them to `$n`. Both implementations cache prepared statements by SQL text.
protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow]
    /// Runs an `INSERT … ON CONFLICT DO NOTHING` (written without RETURNING) and returns the new row's `id`, or
    /// nil when a conflict skipped it. SQLite reads the rowid directly (RETURNING buffers rows and cost ~10% of
    /// ingest); PostgreSQL appends `RETURNING id`.
    func insertReturningID(_ sql: String, _ parameters: [SQLValue]) throws -> Int64?
    /// Runs SQL without parameters or caching (DDL, BEGIN/COMMIT, several statements at once).
    func executeScript(_ sql: String) throws
}

extension SQLConnection {
    func queryOne(_ sql: String, _ parameters: [SQLValue]) throws -> SQLRow? {
        try query(sql, parameters).first
    }
}

enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// Row locking for lease queries: PostgreSQL skips rows another daemon is leasing right now; SQLite has one
    /// writer at a time (BEGIN IMMEDIATE), which already gives the same outcome.
    var skipLockedClause: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return "FOR UPDATE SKIP LOCKED"
        }
    }
}
