import Foundation
@testable import Store
import Testing
import TestSupport

/// Issue 17, item 4: the PostgreSQL server restarted (`pg_ctl restart -m fast`) or stopped under an open store.
/// Its own server, so restarting it disturbs no other test.
@Suite(.serialized) struct PostgresRestartTests {
    static func enqueue(_ store: any Store, _ id: String) throws {
        try store.write { _ = try $0.enqueueAlert(id: id, created: Date(), sinks: ["log"], payload: #"{"id":"\#(id)"}"#) }
    }

    @Test func aRestartedServerIsReconnectedToAndNothingIsLostOrDoubled() throws {
        guard PostgresServer.isAvailable else { return }
        let server = try PostgresServer.start()
        defer { server.stop() }
        let store = try StoreFactory.open(postgresURL: server.url)
        defer { store.close() }
        try Self.enqueue(store, "a0")

        // The pooled connection was cut by the restart but still says CONNECTION_OK until used: the first write
        // after the restart runs again on a fresh connection instead of failing.
        try server.restart()
        try Self.enqueue(store, "a1")
        // The same for a read.
        try server.restart()
        #expect(try store.read { try $0.alertExists(id: "a0") && $0.alertExists(id: "a1") })

        // Down: a clear store error, at once; back up: the store reconnects by itself.
        try server.pause()
        do {
            try Self.enqueue(store, "a2")
            Issue.record("a write to a stopped server succeeded")
        } catch let error as StoreError {
            #expect("\(error)".contains(store.description), "the error does not name the store: \(error)")
        }
        try server.resume()
        try Self.enqueue(store, "a2")

        let ids = try store.read { reader in
            try reader.alerts(createdFrom: .distantPast, until: .distantFuture, limit: 10).map(\.id)
        }
        #expect(Set(ids) == ["a0", "a1", "a2"])
        // The outbox counters (kept in their own rows, flushed in each write) count each alert once.
        #expect(try store.status(now: Date(), recentAlerts: 10).alerts[.pending] == 3)
        #expect(try store.claimAlerts(sink: "log", now: Date(), limit: 10, owner: "t", leaseFor: 60).count == 3)
    }
}
