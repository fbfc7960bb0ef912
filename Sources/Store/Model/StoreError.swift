/// Everything the store can fail with, carrying what is needed to act on it: which store, which statement.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The file or server could not be opened or reached.
    case cannotOpen(store: String, reason: String)
    /// The store was migrated by a newer tidings; this binary must not touch it.
    case storeNewerThanBinary(store: String, storeVersion: Int, binaryVersion: Int)
    /// A statement failed; `code` is SQLite's extended result code or PostgreSQL's SQLSTATE.
    case statementFailed(store: String, code: String, message: String, sql: String)
    /// A transaction could not be committed after retrying serialization failures and deadlocks.
    case retriesExhausted(store: String, attempts: Int, lastError: String)
    /// A store URL or path that names no backend we know.
    case unsupportedLocation(String)
    /// The caller asked for something that does not exist (a feed id, say).
    case notFound(store: String, what: String)

    public var description: String {
        switch self {
        case .cannotOpen(let store, let reason):
            return "cannot open store \(store): \(reason)"
        case .storeNewerThanBinary(let store, let storeVersion, let binaryVersion):
            return "store \(store) has schema version \(storeVersion), but this tidings understands up to version "
                + "\(binaryVersion); upgrade tidings (or point it at another store) — refusing to touch a newer store"
        case .statementFailed(let store, let code, let message, let sql):
            let shortSQL = sql.count > 160 ? String(sql.prefix(160)) + "…" : sql
            // SQLITE_FULL (13): said in the words people search logs for, with the store's path (issue 17).
            let full = code == "13" || message.contains("disk is full") ? "disk full: " : ""
            return "store \(store): \(full)\(message.trimmingCharacters(in: .whitespacesAndNewlines)) (code \(code)) in: \(shortSQL)"
        case .retriesExhausted(let store, let attempts, let lastError):
            return "store \(store): transaction gave up after \(attempts) attempts: \(lastError)"
        case .unsupportedLocation(let location):
            return "unsupported store location \(location): use a file path or a postgresql:// URL"
        case .notFound(let store, let what):
            return "store \(store): \(what) not found"
        }
    }

    /// PostgreSQL serialization failure or deadlock: the transaction can be run again from the start.
    var isRetryable: Bool {
        if case .statementFailed(_, let code, _, _) = self { return code == "40001" || code == "40P01" }
        return false
    }
}

import Foundation
extension StoreError: LocalizedError {
    public var errorDescription: String? { description }
}
