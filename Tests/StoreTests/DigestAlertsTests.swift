import Foundation
import Store
import Testing
import TestSupport

/// What digests read from the store: alerts of a time window, with digest entries (ids `digest:…`, stored in the
/// alerts table so the outbox can deliver them) left out there and in status.
@Suite("Store: alerts of a window for digests, both backends")
struct DigestAlertsTests {
    @Test(arguments: Backend.allCases)
    func windowedAlertsLeaveDigestEntriesOut(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            try store.write { tx in
                for minute in 0..<5 {
                    try tx.enqueueAlert(id: "al-\(minute)", created: t0.addingTimeInterval(Double(minute) * 60), sinks: ["log"],
                                        payload: #"{"id":"al-\#(minute)"}"#)
                }
                // A digest owed once: the second enqueue of the same period adds nothing.
                #expect(try tx.enqueueAlert(id: "digest:mail:p1", created: t0.addingTimeInterval(90), sinks: ["mail"], payload: "{}") == ["mail"])
                #expect(try tx.enqueueAlert(id: "digest:mail:p1", created: t0.addingTimeInterval(95), sinks: ["mail"], payload: "{}").isEmpty)
            }
            let window = try store.read { try $0.alerts(createdFrom: t0.addingTimeInterval(60), until: t0.addingTimeInterval(240), limit: 100) }
            #expect(window.map(\.id) == ["al-1", "al-2", "al-3"])
            let limited = try store.read { try $0.alerts(createdFrom: t0, until: t0.addingTimeInterval(600), limit: 2) }
            #expect(limited.map(\.id) == ["al-0", "al-1"])
            let status = try store.status(now: t0, recentAlerts: 10)
            #expect(!status.recentAlerts.contains { $0.id.hasPrefix("digest:") })
            #expect(status.recentAlerts.count == 5)
            #expect(try store.read { try $0.alertExists(id: "digest:mail:p1") })
        }
    }
}
