import Foundation
import Store
import Testing
import TestSupport

/// The two backends every behavioural test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh, empty store location per test: a temporary SQLite file, or a new database on the shared
/// PostgreSQL test server. `reopen` opens another handle (separate connections) on the same location.
struct StoreLocation {
    let backend: Backend
    let location: String
    let cleanup: () -> Void

    static func fresh(_ backend: Backend) throws -> StoreLocation {
        switch backend {
        case .sqlite:
            let directory = try TestPaths.makeTemporaryDirectory("tidings-store")
            return StoreLocation(backend: backend, location: directory.appendingPathComponent("tidings.db").path,
                                 cleanup: { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let url = try PostgresServer.shared().createDatabase()
            return StoreLocation(backend: backend, location: url, cleanup: {})
        }
    }

    func open() throws -> any Store { try StoreFactory.open(location: location) }
}

@discardableResult
func withStore<T>(_ backend: Backend, _ body: (any Store, StoreLocation) throws -> T) throws -> T {
    let location = try StoreLocation.fresh(backend)
    defer { location.cleanup() }
    let store = try location.open()
    defer { store.close() }
    return try body(store, location)
}

let t0 = Date(timeIntervalSince1970: 1_750_000_000)

func item(_ entry: String, title: String? = nil, link: String? = nil, text: String? = nil, seen: Date = t0) -> NewItem {
    NewItem.withDedupKeys([NewItem(entryID: entry, title: title ?? "Title \(entry)", link: link ?? "https://example.org/\(entry)",
                                   published: seen, firstSeen: seen, summary: text, content: nil)])[0]
}

/// Adds feeds and returns their ids in the given order.
func addFeeds(_ store: any Store, _ urls: [String], now: Date = t0) throws -> [Int64] {
    try store.syncFeeds(urls.map { FeedSpec(url: $0) }, now: now)
    return try store.read { reader in try urls.map { try #require(try reader.feed(configuredURL: $0)).id } }
}
