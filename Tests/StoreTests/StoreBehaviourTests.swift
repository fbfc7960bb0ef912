import Foundation
@testable import Store
import Testing
import TestSupport

/// One behavioural suite, run against SQLite and against a real PostgreSQL started by the test setup.
@Suite("Store behaviour, both backends")
struct StoreBehaviourTests {
    @Test(arguments: Backend.allCases)
    func syncFeedsAddsKeepsStateAndDeactivates(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let ids = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss"])
            try store.write { tx in
                var update = FeedFetchUpdate(from: try #require(try tx.feed(id: ids[0])))
                update.state = .ok
                update.etag = "\"v1\""
                update.lastSuccess = t0
                update.nextDue = t0.addingTimeInterval(900)
                try tx.updateFeed(id: ids[0], update)
            }
            try store.syncFeeds([FeedSpec(url: "https://a.example/rss", name: "A"), FeedSpec(url: "https://c.example/rss")],
                                now: t0.addingTimeInterval(10))
            let feeds = try store.read { try $0.feeds() }
            #expect(feeds.map(\.configuredURL) == ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"])
            let a = try #require(feeds.first { $0.configuredURL == "https://a.example/rss" })
            #expect(a.etag == "\"v1\"" && a.state == .ok && a.name == "A" && a.active)
            #expect(feeds[1].active == false)
            #expect(feeds[2].active && feeds[2].state == .new && feeds[2].nextDue == t0.addingTimeInterval(10))
            // Back in the configuration: active again, with its history.
            try store.syncFeeds([FeedSpec(url: "https://b.example/rss")], now: t0.addingTimeInterval(20))
            let again = try store.read { try $0.feeds() }
            #expect(again.map(\.active) == [false, true, false])
        }
    }

    @Test(arguments: Backend.allCases)
    func permanentRedirectMovesFetchURLButKeepsIdentity(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let id = try addFeeds(store, ["http://old.example/feed"])[0]
            try store.write { tx in
                var update = FeedFetchUpdate(FeedFetchState(state: .ok, lastFetch: t0, lastSuccess: t0))
                update.permanentURL = "https://new.example/feed"
                try tx.updateFeed(id: id, update)
            }
            try store.syncFeeds([FeedSpec(url: "http://old.example/feed")], now: t0)
            let feeds = try store.read { try $0.feeds() }
            #expect(feeds.count == 1)
            #expect(feeds[0].url == "https://new.example/feed" && feeds[0].configuredURL == "http://old.example/feed")
        }
    }

    @Test(arguments: Backend.allCases)
    func updatingAnUnknownFeedIsAnError(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            #expect(throws: StoreError.self) {
                try store.write { try $0.updateFeed(id: 4242, FeedFetchUpdate(FeedFetchState(state: .ok))) }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func itemsAreDeduplicatedPerFeedByEntryAndAcrossFeedsByURLAndContent(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let ids = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss"])
            let story = "India and the United States agreed on Tuesday to deepen defence cooperation, officials in New Delhi said after talks."
            let first = try store.write { tx in
                try tx.insertItems(feedID: ids[0], [
                    item("a1", link: "https://news.example/story?id=7&utm_source=rss", text: "First story text that is long enough to carry a fingerprint of its own words here."),
                    item("a2", link: "https://news.example/other", text: story),
                    item("a1", link: "https://news.example/story?id=7"),  // same entry twice in one fetch
                ])
            }
            #expect(first.map(\.outcome) == [.new, .new, .knownEntry])
            #expect(first[2].itemID == first[0].itemID)

            let second = try store.write { tx in
                try tx.insertItems(feedID: ids[0], [item("a1"), item("a3", link: "https://news.example/third")])
            }
            #expect(second.map(\.outcome) == [.knownEntry, .new])

            let other = try store.write { tx in
                try tx.insertItems(feedID: ids[1], [
                    // Same story, tracking parameters, fragment and scheme differ.
                    item("b1", link: "http://NEWS.example/story?fbclid=xyz&id=7#comments"),
                    // Syndicated copy of a2 under another URL: same words, different case and punctuation.
                    item("b2", title: "Title a2", link: "https://mirror.example/copy", text: story.uppercased() + "!!"),
                    item("b3", link: "https://news.example/fourth", text: "A different story entirely about other matters."),
                ])
            }
            #expect(other[0].outcome == .duplicateURL(of: first[0].itemID))
            #expect(other[1].outcome == .duplicateContent(of: first[1].itemID))
            #expect(other[2].outcome == .new)
            #expect(other.filter(\.isNew).count == 1)

            // Duplicates are stored for their feed (so the next fetch sees a known entry), pointing at the original.
            let copy = try #require(try store.read { try $0.item(id: other[0].itemID) })
            #expect(copy.duplicateOf == first[0].itemID)
            #expect(copy.canonicalURL == "https://news.example/story?id=7")
            let again = try store.write { try $0.insertItems(feedID: ids[1], [item("b1")]) }
            #expect(again.map(\.outcome) == [.knownEntry])

            let status = try store.status(now: t0, recentAlerts: 5)
            #expect(status.totals.items == 6)
            #expect(status.feeds.map(\.itemCount) == [3, 3])
        }
    }

    @Test(arguments: Backend.allCases)
    func itemFieldsRoundTrip(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://a.example/rss"])[0]
            let new = NewItem(entryID: "urn:x:1", title: "Ünïcode — title", link: "https://a.example/1",
                              published: t0.addingTimeInterval(-60), firstSeen: t0, summary: "summary",
                              content: "content text")
            let id = try store.write { try $0.insertItems(feedID: feed, [new]) }[0].itemID
            let stored = try #require(try store.read { try $0.item(id: id) })
            #expect(stored.title == new.title && stored.summary == "summary" && stored.content == "content text")
            #expect(stored.published == new.published && stored.firstSeen == t0)
            #expect(stored.feedID == feed && stored.entryID == "urn:x:1" && stored.duplicateOf == nil)
            #expect(try store.read { try $0.items(feedID: feed, limit: 10) }.map(\.id) == [id])
        }
    }

    @Test(arguments: Backend.allCases)
    func eventsFactsAndMatchesPersistWithTheTransaction(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://a.example/rss"])[0]
            let blob = Data([0, 1, 2, 255, 0x5c, 0x78])  // includes NUL and "\x" to catch text/bytea confusion
            let itemID = try store.write { tx -> Int64 in
                let id = try tx.insertItems(feedID: feed, [item("e1")])[0].itemID
                try tx.lockTopic("defence")
                #expect(try tx.openEvents(topic: "defence").isEmpty)
                try tx.saveEvent(EventRecord(id: "evt_1", topic: "defence", title: "Call", firstSeen: t0, lastSeen: t0,
                                             articleCount: 1, state: blob))
                try tx.addFact(eventID: "evt_1", sentence: "They spoke for 20 minutes.", fingerprint: "f1")
                try tx.recordMatches([TopicMatch(itemID: id, topic: "defence", eventID: "evt_1", verdict: "new_event")])
                return id
            }
            try store.write { tx in
                var event = try #require(try tx.openEvents(topic: "defence").first)
                #expect(event.state == blob)
                event.articleCount = 2
                event.lastSeen = t0.addingTimeInterval(60)
                try tx.saveEvent(event)
                try tx.addFact(eventID: "evt_1", sentence: "dup", fingerprint: "f1")
                try tx.addFact(eventID: "evt_1", sentence: "Engines by March.", fingerprint: "f2")
            }
            let (event, facts, matches) = try store.read { reader in
                (try reader.event(id: "evt_1"), try reader.facts(eventID: "evt_1"), try reader.matches(itemID: itemID))
            }
            #expect(event?.articleCount == 2 && event?.lastSeen == t0.addingTimeInterval(60))
            #expect(facts.map(\.sentence) == ["They spoke for 20 minutes.", "Engines by March."])
            #expect(matches == [TopicMatch(itemID: itemID, topic: "defence", eventID: "evt_1", verdict: "new_event")])
            #expect(try store.status(now: t0, recentAlerts: 1).totals.events == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func aFailedTransactionLeavesNothingBehind(_ backend: Backend) throws {
        struct Boom: Error {}
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://a.example/rss"])[0]
            #expect(throws: Boom.self) {
                try store.write { tx in
                    _ = try tx.insertItems(feedID: feed, [item("x1")])
                    try tx.enqueueAlert(id: "al-x", created: t0, sinks: ["log"], payload: "{}")
                    try tx.saveEvent(EventRecord(id: "evt_x", topic: "t", title: "x", firstSeen: t0, lastSeen: t0, articleCount: 1))
                    throw Boom()
                }
            }
            let status = try store.status(now: t0, recentAlerts: 5)
            #expect(status.totals.items == 0 && status.totals.events == 0 && status.alerts[.pending] == 0)
            #expect(try store.read { try $0.alertExists(id: "al-x") } == false)
            // The same items insert as new afterwards: nothing half-written blocks them.
            #expect(try store.write { try $0.insertItems(feedID: feed, [item("x1")]) }.map(\.outcome) == [.new])
        }
    }

    @Test(arguments: Backend.allCases)
    func outboxIsIdempotentAndWalksItsStates(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let payload = #"{"id":"al-1","topic":"defence"}"#
            let owed = try store.write { try $0.enqueueAlert(id: "al-1", created: t0, sinks: ["log", "hook"], payload: payload) }
            #expect(owed == ["hook", "log"])
            let repeated = try store.write { try $0.enqueueAlert(id: "al-1", created: t0, sinks: ["log", "hook"], payload: payload) }
            #expect(repeated.isEmpty)

            let claimed = try store.claimAlerts(sink: "log", now: t0, limit: 10, owner: "d1", leaseFor: 60)
            #expect(claimed.map(\.alertID) == ["al-1"])
            #expect(claimed[0].payload == payload && claimed[0].state == .delivering && claimed[0].attempts == 1)
            // Claimed and leased: nobody else gets it while the lease runs.
            #expect(try store.claimAlerts(sink: "log", now: t0.addingTimeInterval(30), limit: 10, owner: "d2", leaseFor: 60).isEmpty)
            #expect(try store.markDelivered(alertID: "al-1", sink: "log", owner: "d1", now: t0.addingTimeInterval(1)))
            #expect(try store.markDelivered(alertID: "al-1", sink: "log", owner: "d1", now: t0.addingTimeInterval(2)) == false)

            let hook = try store.claimAlerts(sink: "hook", now: t0, limit: 10, owner: "d1", leaseFor: 60)
            #expect(hook.count == 1)
            #expect(try store.markFailed(alertID: "al-1", sink: "hook", owner: "d1", error: "HTTP 503",
                                         nextAttempt: t0.addingTimeInterval(120), now: t0))
            #expect(try store.claimAlerts(sink: "hook", now: t0.addingTimeInterval(60), limit: 10, owner: "d1", leaseFor: 60).isEmpty)
            var status = try store.status(now: t0, recentAlerts: 10)
            #expect(status.alerts[.delivered] == 1 && status.alerts[.pending] == 1 && status.alerts.retrying == 1)
            let retry = try store.claimAlerts(sink: "hook", now: t0.addingTimeInterval(121), limit: 10, owner: "d1", leaseFor: 60)
            #expect(retry.first?.attempts == 2 && retry.first?.lastError == "HTTP 503")
            #expect(try store.markFailed(alertID: "al-1", sink: "hook", owner: "d1", error: "HTTP 500 (giving up)",
                                         nextAttempt: nil, now: t0.addingTimeInterval(122)))
            status = try store.status(now: t0, recentAlerts: 10)
            #expect(status.alerts[.failed] == 1 && status.alerts[.pending] == 0 && status.alerts[.delivered] == 1)
            #expect(status.alertsBySink.map(\.sink) == ["hook", "log"])
            #expect(status.alertsBySink[0].counts[.failed] == 1 && status.alertsBySink[1].counts[.delivered] == 1)
            #expect(status.recentAlerts.map(\.payload) == [payload])
            let rows = try store.read { try $0.outbox(alertID: "al-1") }
            #expect(rows.map(\.state) == [.failed, .delivered])
        }
    }

    @Test(arguments: Backend.allCases)
    func anExpiredAlertClaimIsTakenOver(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            try store.write { try $0.enqueueAlert(id: "al-2", created: t0, sinks: ["log"], payload: "{}") }
            #expect(try store.claimAlerts(sink: "log", now: t0, limit: 5, owner: "dead", leaseFor: 30).count == 1)
            let taken = try store.claimAlerts(sink: "log", now: t0.addingTimeInterval(31), limit: 5, owner: "alive", leaseFor: 30)
            #expect(taken.map(\.leaseOwner) == ["alive"] && taken.first?.attempts == 2)
            // The dead daemon's late answer does not count; the new owner's does.
            #expect(try store.markDelivered(alertID: "al-2", sink: "log", owner: "dead", now: t0.addingTimeInterval(32)) == false)
            #expect(try store.markDelivered(alertID: "al-2", sink: "log", owner: "alive", now: t0.addingTimeInterval(32)))
            let status = try store.status(now: t0, recentAlerts: 0)
            #expect(status.alerts[.delivered] == 1 && status.alerts[.delivering] == 0 && status.alerts[.pending] == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func dueFeedsAreLeasedAndExpiredLeasesTakenOver(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let ids = try addFeeds(store, (0..<5).map { "https://f\($0).example/rss" })
            try store.write { tx in
                try tx.updateFeed(id: ids[4], FeedFetchUpdate(FeedFetchState(state: .ok, nextDue: t0.addingTimeInterval(3600))))
                try tx.updateFeed(id: ids[3], FeedFetchUpdate(FeedFetchState(state: .retired, retired: true)))
            }
            let first = try store.leaseDueFeeds(now: t0, limit: 2, owner: "d1", leaseFor: 60)
            let second = try store.leaseDueFeeds(now: t0, limit: 10, owner: "d2", leaseFor: 60)
            #expect(first.map(\.id) == [ids[0], ids[1]])
            #expect(second.map(\.id) == [ids[2]])
            #expect(first.allSatisfy { $0.leaseOwner == "d1" })
            // d1 dies; after its lease expires d3 takes its feeds over.
            let takeover = try store.leaseDueFeeds(now: t0.addingTimeInterval(61), limit: 10, owner: "d3", leaseFor: 60)
            #expect(Set(takeover.map(\.id)) == Set([ids[0], ids[1], ids[2]]))
            // A fetch outcome releases the lease; the feed comes back when due again.
            try store.write { try $0.updateFeed(id: ids[0], FeedFetchUpdate(FeedFetchState(state: .ok, nextDue: t0.addingTimeInterval(100)))) }
            #expect(try store.leaseDueFeeds(now: t0.addingTimeInterval(99), limit: 10, owner: "d4", leaseFor: 60).isEmpty)
            #expect(try store.leaseDueFeeds(now: t0.addingTimeInterval(100), limit: 10, owner: "d4", leaseFor: 60).map(\.id) == [ids[0]])
            try store.releaseFeedLease(feedID: ids[0], owner: "d4")
            #expect(try store.leaseDueFeeds(now: t0.addingTimeInterval(100), limit: 10, owner: "d5", leaseFor: 60).map(\.id) == [ids[0]])
        }
    }

    @Test(arguments: Backend.allCases)
    func heartbeatsAndStatus(_ backend: Backend) throws {
        try withStore(backend) { store, location in
            try store.heartbeat(daemonID: "host-a:1", pid: 1, host: "host-a", started: t0, now: t0.addingTimeInterval(5))
            try store.heartbeat(daemonID: "host-b:2", pid: 2, host: "host-b", started: t0, now: t0.addingTimeInterval(1))
            try store.heartbeat(daemonID: "host-a:1", pid: 1, host: "host-a", started: t0, now: t0.addingTimeInterval(15))
            for index in 0..<12 {
                try store.write {
                    try $0.enqueueAlert(id: "al-\(index)", created: t0.addingTimeInterval(Double(index)), sinks: ["log"],
                                        payload: #"{"n":\#(index)}"#)
                }
            }
            let status = try store.status(now: t0.addingTimeInterval(20), recentAlerts: 10)
            #expect(status.heartbeats.map(\.daemonID) == ["host-a:1", "host-b:2"])
            #expect(status.heartbeats[0].lastBeat == t0.addingTimeInterval(15))
            #expect(status.recentAlerts.count == 10 && status.recentAlerts.first?.id == "al-11")
            #expect(status.alerts[.pending] == 12)
            #expect(status.schemaVersion >= 1)
            switch backend {
            case .sqlite: #expect(status.store == "sqlite:\(location.location)")
            case .postgres:
                #expect(status.store.hasPrefix("postgresql://127.0.0.1:"))
                #expect(!status.store.contains("postgres@"))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func pruneDeletesOldItemsClosesTheirEventsAndKeepsCountersRight(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://a.example/rss"])[0]
            let old = t0, recent = t0.addingTimeInterval(86_400 * 40)
            try store.write { tx in
                let ids = try tx.insertItems(feedID: feed, [item("o1", seen: old), item("o2", seen: old), item("n1", seen: recent)])
                try tx.recordMatches(ids.map { TopicMatch(itemID: $0.itemID, topic: "t") })
                try tx.saveEvent(EventRecord(id: "old", topic: "t", title: "o", firstSeen: old, lastSeen: old, articleCount: 2))
                try tx.saveEvent(EventRecord(id: "new", topic: "t", title: "n", firstSeen: recent, lastSeen: recent, articleCount: 1))
                try tx.addFact(eventID: "old", sentence: "s", fingerprint: "f")
                try tx.enqueueAlert(id: "al-old", created: old, sinks: ["log"], payload: "{}")
                try tx.enqueueAlert(id: "al-new", created: recent, sinks: ["log"], payload: "{}")
            }
            for alert in try store.claimAlerts(sink: "log", now: recent, limit: 5, owner: "d", leaseFor: 60) {
                try store.markDelivered(alertID: alert.alertID, sink: "log", owner: "d", now: recent)
            }
            let cutoff = t0.addingTimeInterval(86_400 * 30)
            let report = try store.prune(olderThan: cutoff)
            #expect(report[.itemsDeleted] == 2 && report[.matchesDeleted] == 2 && report[.eventsClosed] == 1)
            #expect(report[.outboxRowsDeleted] == 1 && report[.alertsDeleted] == 1 && report[.eventsDeleted] == 0)
            // What the daemon's retention log lists: every count that is not zero, in a fixed order.
            #expect(report.nonZero.map(\.count) == [.itemsDeleted, .matchesDeleted, .eventsClosed, .outboxRowsDeleted, .alertsDeleted])
            var status = try store.status(now: recent, recentAlerts: 10)
            #expect(status.totals.items == 1 && status.feeds[0].itemCount == 1)
            #expect(status.alerts[.delivered] == 1 && status.recentAlerts.map(\.id) == ["al-new"])
            #expect(try store.read { try $0.openEvents(topic: "t") }.map(\.id) == ["new"])
            // Old pruned entries come back as new if a feed still carries them: retention is the dedup horizon.
            #expect(try store.write { try $0.insertItems(feedID: feed, [item("o1", seen: recent)]) }.map(\.outcome) == [.new])

            // Closed events are dropped by their (wall-clock) closing time, a retention period after it.
            let dropped = try store.prune(olderThan: cutoff, dropClosedEventsBefore: Date().addingTimeInterval(60))
            #expect(dropped[.eventsDeleted] == 1 && dropped[.factsDeleted] == 1)
            status = try store.status(now: recent, recentAlerts: 10)
            #expect(status.totals.events == 1 && status.totals.items == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aStoreNewerThanTheBinaryIsRefused(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        let store = try location.open()
        // Simulate a newer tidings having migrated this store.
        try store.write { _ in }
        switch backend {
        case .sqlite:
            store.close()
            let result = try runProcess(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                        [location.location, "INSERT INTO schema_migrations VALUES (999, 'future', 0)"])
            #expect(result.status == 0, "\(result.stderr)")
        case .postgres:
            store.close()
            let database = String(location.location.split(separator: "/").last!)
            _ = try PostgresServer.shared().psql("INSERT INTO schema_migrations VALUES (999, 'future', 0)", database: database)
        }
        do {
            let reopened = try location.open()
            reopened.close()
            Issue.record("a store at schema 999 was opened")
        } catch let error as StoreError {
            guard case .storeNewerThanBinary(_, let found, _) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(found == 999)
            #expect(error.description.contains("upgrade tidings"))
        }
    }

    @Test(arguments: Backend.allCases)
    func reopeningKeepsEverythingAndMigratesNothingTwice(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        do {
            let store = try location.open()
            let feed = try addFeeds(store, ["https://a.example/rss"])[0]
            _ = try store.write { try $0.insertItems(feedID: feed, [item("r1")]) }
            store.close()
        }
        let store = try location.open()
        defer { store.close() }
        let status = try store.status(now: t0, recentAlerts: 0)
        #expect(status.totals.items == 1 && status.totals.feeds == 1)
    }
}

@Suite("Opening stores")
struct StoreOpeningTests {
    @Test func unusableLocationsGiveClearErrors() throws {
        #expect(throws: StoreError.self) { try StoreFactory.open(location: "mysql://x/y") }
        do {
            _ = try StoreFactory.open(sqlitePath: "/nonexistent-dir/sub/tidings.db")
            Issue.record("opened a store in a missing directory")
        } catch let error as StoreError {
            #expect(error.description.contains("/nonexistent-dir/sub/tidings.db"))
        }
    }

    @Test(.enabled(if: PostgresServer.isAvailable || TestEnvironment.strict, "PostgreSQL server binaries not installed"))
    func unreachablePostgresNamesTheServer() throws {
        let port = try FreePort.allocate()
        do {
            _ = try StoreFactory.open(postgresURL: "postgresql://nobody:secret@127.0.0.1:\(port)/none?connect_timeout=2")
            Issue.record("connected to a closed port")
        } catch let error as StoreError {
            #expect(error.description.contains("postgresql://127.0.0.1:\(port)/none"))
            #expect(!error.description.contains("secret"))
        }
    }
}
