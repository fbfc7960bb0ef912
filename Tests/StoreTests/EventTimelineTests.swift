import Foundation
import Store
import Testing
import TestSupport

/// Event timelines (issue 13): events and their articles stay after they close, for the retention period after
/// closing; articles keep arrival order, verdicts and new facts; listing by topic and time; status counts.
@Suite("Event timelines, both backends")
struct EventTimelineTests {
    private func article(_ event: String, _ itemID: Int64, _ title: String, verdict: String, facts: [String],
                         seen: Date = t0) -> EventArticleRecord {
        EventArticleRecord(eventID: event, itemID: itemID,
                           article: ArticleListing(title: title, url: "https://n.example/\(itemID)", feed: "https://n.example/rss",
                                                   feedName: itemID == 1 ? "Wire" : nil, published: seen, seen: seen),
                           verdict: verdict, newFacts: facts)
    }

    @Test(arguments: Backend.allCases)
    func articlesKeepOrderVerdictsAndFactsAndOutliveClosing(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://n.example/rss"])[0]
            let monday = Date().addingTimeInterval(-3 * 86_400), today = Date()
            try store.write { tx in
                let ids = try tx.insertItems(feedID: feed, [item("a"), item("b"), item("c")])
                try tx.saveEvent(EventRecord(id: "evt_bridge", topic: "bridge", title: "Bridge struck", firstSeen: t0,
                                             lastSeen: t0, articleCount: 3))
                try tx.saveEvent(EventRecord(id: "evt_port", topic: "port", title: "Port strike", firstSeen: t0,
                                             lastSeen: t0, articleCount: 1))
                try tx.appendEventArticle(article("evt_port", ids[2].itemID, "Port", verdict: "new_event", facts: ["P."]),
                                          now: monday)
                try tx.appendEventArticle(article("evt_bridge", ids[0].itemID, "First", verdict: "new_event",
                                                  facts: ["A ship hit the bridge."]), now: today)
                try tx.appendEventArticle(article("evt_bridge", ids[1].itemID, "Reprint", verdict: "no_new_facts", facts: []),
                                          now: today)
                try tx.appendEventArticle(article("evt_bridge", ids[2].itemID, "More", verdict: "new_facts",
                                                  facts: ["It carried 1,840 containers.", "\"Quote,\" she said."]), now: today)
            }
            let timeline = try store.read { try $0.eventArticles(eventID: "evt_bridge") }
            #expect(timeline.map(\.title) == ["First", "Reprint", "More"])
            #expect(timeline.map(\.sequence) == [1, 2, 3])
            #expect(timeline.map(\.verdict) == ["new_event", "no_new_facts", "new_facts"])
            #expect(timeline[2].newFacts == ["It carried 1,840 containers.", "\"Quote,\" she said."])
            #expect(timeline[0].feedName == "Wire" && timeline[1].feedName == nil)

            // Newest activity first; by topic; by time.
            #expect(try store.read { try $0.events(EventQuery()) }.map(\.id) == ["evt_bridge", "evt_port"])
            #expect(try store.read { try $0.events(EventQuery(topic: "port")) }.map(\.id) == ["evt_port"])
            #expect(try store.read { try $0.events(EventQuery(since: today.addingTimeInterval(-86_400))) }.map(\.id) == ["evt_bridge"])

            // Closing keeps the event and its timeline, and status counts it as closed.
            try store.write { tx in
                var event = try #require(try tx.event(id: "evt_port"))
                event.closed = true
                try tx.saveEvent(event)
            }
            var status = try store.status(now: Date(), recentAlerts: 0)
            #expect(status.totals.openEvents == 1 && status.totals.closedEvents == 1)
            let closed = try #require(try store.read { try $0.eventSummary(id: "evt_port") })
            #expect(closed.closed && closed.closedAt != nil)
            #expect(try store.read { try $0.eventArticles(eventID: "evt_port") }.count == 1)

            // Items pruned: the timeline stays. Closed long enough: the event goes with its timeline.
            let report = try store.prune(olderThan: Date().addingTimeInterval(3600),
                                         dropClosedEventsBefore: Date().addingTimeInterval(-3600))
            #expect(report[.itemsDeleted] == 3 && report[.eventsDeleted] == 0)
            #expect(try store.read { try $0.eventArticles(eventID: "evt_bridge") }.count == 3)
            let dropped = try store.prune(olderThan: t0, dropClosedEventsBefore: Date().addingTimeInterval(3600))
            #expect(dropped[.eventsDeleted] == 2)
            #expect(try store.read { try $0.eventArticles(eventID: "evt_port") }.isEmpty)
            status = try store.status(now: Date(), recentAlerts: 0)
            #expect(status.totals.openEvents == 0 && status.totals.closedEvents == 0)
        }
    }

    /// Issue 17: a source published before the event's first article but fetched after it was judged (a late feed)
    /// is listed first: timelines go by publication time, arrival breaking ties and standing in for a missing one.
    @Test(arguments: Backend.allCases)
    func anEarlierSourceArrivingLateIsListedFirst(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://n.example/rss"])[0]
            try store.write { tx in
                let ids = try tx.insertItems(feedID: feed, [item("a"), item("b"), item("c")])
                try tx.saveEvent(EventRecord(id: "evt_lock", topic: "canals", title: "Lock shut", firstSeen: t0,
                                             lastSeen: t0, articleCount: 3))
                func add(_ index: Int, _ title: String, published: Date?, seen: Date) throws {
                    try tx.appendEventArticle(EventArticleRecord(
                        eventID: "evt_lock", itemID: ids[index].itemID,
                        article: ArticleListing(title: title, url: "https://n.example/\(index)", feed: "https://n.example/rss",
                                                feedName: nil, published: published, seen: seen),
                        verdict: "no_new_facts", newFacts: []), now: seen)
                }
                try add(0, "Reprint, judged first", published: t0.addingTimeInterval(3600), seen: t0.addingTimeInterval(3700))
                try add(1, "No time given", published: nil, seen: t0.addingTimeInterval(3800))
                try add(2, "The original, fetched late", published: t0, seen: t0.addingTimeInterval(7200))
            }
            let timeline = try store.read { try $0.eventArticles(eventID: "evt_lock") }
            #expect(timeline.map(\.title) == ["The original, fetched late", "Reprint, judged first", "No time given"])
        }
    }

    @Test(arguments: Backend.allCases)
    func itemsPageNewestFirstAndRecentAlertsAreNewestFirst(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feed = try addFeeds(store, ["https://n.example/rss"])[0]
            try store.write { tx in
                _ = try tx.insertItems(feedID: feed, (1...5).map { item("e\($0)") })
                try tx.enqueueAlert(id: "one", created: t0, sinks: ["log"], payload: "{}")
                try tx.enqueueAlert(id: "two", created: t0.addingTimeInterval(1), sinks: ["log"], payload: "{}")
            }
            let first = try store.read { try $0.items(beforeID: nil, limit: 3) }
            #expect(first.map(\.entryID) == ["e5", "e4", "e3"])
            let rest = try store.read { try $0.items(beforeID: first.last?.id, limit: 3) }
            #expect(rest.map(\.entryID) == ["e2", "e1"])
            #expect(try store.read { try $0.recentAlerts(limit: 5) }.map(\.id) == ["two", "one"])
            // The pages' and /metrics' counts, without every feed's row.
            let summary = try store.read { try $0.summary() }
            #expect(summary.feedStates == [.new: 1] && summary.openEvents == 0)
            #expect(summary.alertsBySink.map(\.sink) == ["log"] && summary.alertsBySink.first?.counts[.pending] == 2)
            #expect(try store.read { try $0.troubledFeeds(limit: 10) }.isEmpty)
        }
    }
}
