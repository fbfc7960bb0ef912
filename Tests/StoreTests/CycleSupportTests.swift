import Foundation
import Store
import Testing
import TestSupport

/// The store methods the poll cycle added: making every feed due for `poll --all`, reading leases alone, and
/// moving next due times only where nothing else changed the row.
@Suite("Store cycle support, both backends")
struct CycleSupportTests {
    @Test(arguments: Backend.allCases)
    func makeFeedsDueLeasesEveryActiveFeedOnceAtTheGivenInstant(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let ids = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss",
                                           "https://gone.example/rss"])
            // a is due in an hour, b in a day, c is retired, gone leaves the configuration.
            try store.write { tx in
                for (index, id) in ids.prefix(3).enumerated() {
                    var update = FeedFetchUpdate(from: try #require(try tx.feed(id: id)))
                    update.nextDue = t0.addingTimeInterval([3600, 86_400, 60][index])
                    if index == 2 { update.retired = true }
                    try tx.updateFeed(id: id, update)
                }
            }
            try store.syncFeeds(["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"].map { FeedSpec(url: $0) },
                                now: t0)
            let now = t0.addingTimeInterval(10)
            #expect(try store.leaseDueFeeds(now: now, limit: 10, owner: "x", leaseFor: 60).isEmpty)
            #expect(try store.makeFeedsDue(now: now) == 2)
            let leased = try store.leaseDueFeeds(now: now, limit: 10, owner: "x", leaseFor: 60)
            #expect(Set(leased.map(\.id)) == Set(ids.prefix(2)))
            #expect(leased.allSatisfy { $0.nextDue == now })

            let leases = try store.feedLeases()
            #expect(Set(leases.map(\.feedID)) == Set(ids.prefix(2)))
            #expect(leases.allSatisfy { $0.owner == "x" && $0.until == now.addingTimeInterval(60) })
        }
    }

    @Test(arguments: Backend.allCases)
    func moveNextDueSkipsLeasedAndChangedRows(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let ids = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"])
            let due = t0.addingTimeInterval(900.123_456_789)
            try store.write { tx in
                for id in ids {
                    var update = FeedFetchUpdate(from: try #require(try tx.feed(id: id)))
                    update.nextDue = due
                    try tx.updateFeed(id: id, update)
                }
            }
            // b is leased by someone meanwhile; c's due time is not the one the mover saw.
            _ = try store.leaseDueFeeds(now: due, limit: 1, owner: "other", leaseFor: 60)
            let leasedID = try #require(try store.feedLeases().first).feedID
            let later = due.addingTimeInterval(3)
            let moved = try store.write { tx in
                try ids.filter { id in
                    try tx.moveNextDue(feedID: id, from: id == ids[2] ? due.addingTimeInterval(-1) : due, to: later)
                }.count
            }
            let feeds = try store.read { try $0.feeds() }
            let expectedMoved = ids.filter { $0 != leasedID && $0 != ids[2] }
            #expect(moved == expectedMoved.count)
            for feed in feeds {
                // Dates come back through seconds since 1970: equal to the microsecond, not to the last bit.
                let expected = expectedMoved.contains(feed.id) ? later : due
                let stored = try #require(feed.nextDue)
                #expect(abs(stored.timeIntervalSince(expected)) < 1e-4, "feed \(feed.id): \(stored) vs \(expected)")
            }
        }
    }
}
