import Foundation
@testable import Store
import Testing
import TestSupport

/// Several daemons on one store: separate handles (separate connections) in separate threads, leasing the same
/// feeds and claiming the same alerts at once. Each feed must go to exactly one of them per cycle, each alert to
/// exactly one claimant.
@Suite("Several daemons on one store")
struct MultiDaemonTests {
    /// Runs `body` on `count` threads at once (released together) and returns their results in thread order.
    static func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                let result = Result { try body(index) }
                box.lock.withLock { box.results[index] = result }
                group.leave()
            }
        }
        for _ in 0..<count { start.signal() }
        group.wait()
        return try (0..<count).map { try box.results[$0]!.get() }
    }

    @Test(arguments: Backend.allCases)
    func twoDaemonsLeaseDisjointFeedsCoveringAllThreeCyclesInARow(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        let setup = try location.open()
        let feedIDs = try addFeeds(setup, (0..<1000).map { "https://host\($0 % 37).example/feed/\($0).xml" })
        let handles = [try location.open(), try location.open()]
        defer { setup.close(); handles.forEach { $0.close() } }
        let stores = handles
        for cycle in 0..<3 {
            let now = t0.addingTimeInterval(Double(cycle) * 3600)
            let leased = try Self.concurrently(2) { daemon -> [Int64] in
                var mine: [Int64] = []
                while true {
                    let batch = try stores[daemon].leaseDueFeeds(now: now, limit: 25, owner: "daemon-\(daemon)", leaseFor: 600)
                    if batch.isEmpty { break }
                    mine += batch.map(\.id)
                    // The "fetch": record its outcome, which releases the lease and sets the next due time.
                    try stores[daemon].write { tx in
                        for id in batch.map(\.id) {
                            try tx.updateFeed(id: id, FeedFetchUpdate(FeedFetchState(state: .ok, nextDue: now.addingTimeInterval(3600),
                                                                      lastFetch: now, lastSuccess: now)))
                        }
                    }
                }
                return mine
            }
            let union = Set(leased[0]).union(leased[1])
            #expect(Set(leased[0]).isDisjoint(with: leased[1]), "cycle \(cycle): a feed was leased twice")
            #expect(leased[0].count + leased[1].count == 1000, "cycle \(cycle)")
            #expect(union == Set(feedIDs), "cycle \(cycle): some feed was never leased")
            // On PostgreSQL both daemons must get work (SKIP LOCKED lets them lease side by side). SQLite has one
            // writer at a time and its busy handler is not fair, so one handle may take every batch: still
            // correct, not shared.
            if backend == .postgres {
                #expect(!leased[0].isEmpty && !leased[1].isEmpty, "cycle \(cycle): \(leased[0].count)/\(leased[1].count)")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func eachAlertIsClaimedByExactlyOneDaemon(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        let setup = try location.open()
        try setup.write { tx in
            for index in 0..<500 {
                try tx.enqueueAlert(id: "al-\(index)", created: t0, sinks: ["log", "hook"], payload: #"{"n":\#(index)}"#)
            }
        }
        let handles = [try location.open(), try location.open(), try location.open()]
        defer { setup.close(); handles.forEach { $0.close() } }
        let stores = handles
        let claimed = try Self.concurrently(3) { daemon -> [String] in
            var mine: [String] = []
            while true {
                let batch = try stores[daemon].claimAlerts(sink: "hook", now: t0, limit: 10, owner: "d\(daemon)", leaseFor: 600)
                if batch.isEmpty { break }
                for alert in batch {
                    mine.append(alert.alertID)
                    #expect(try stores[daemon].markDelivered(alertID: alert.alertID, sink: "hook", owner: "d\(daemon)", now: t0))
                }
            }
            return mine
        }
        let all = claimed.flatMap { $0 }
        #expect(all.count == 500 && Set(all).count == 500, "claimed \(all.count), distinct \(Set(all).count)")
        let status = try setup.status(now: t0, recentAlerts: 0)
        let hook = try #require(status.alertsBySink.first { $0.sink == "hook" })
        #expect(hook.counts[.delivered] == 500 && hook.counts[.pending] == 0 && hook.counts[.delivering] == 0)
        let log = try #require(status.alertsBySink.first { $0.sink == "log" })
        #expect(log.counts[.pending] == 500)
    }

    @Test(arguments: Backend.allCases)
    func concurrentFetchesOfOneStoryFromTwoFeedsJudgeItOnce(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        let setup = try location.open()
        let feeds = try addFeeds(setup, ["https://a.example/rss", "https://b.example/rss"])
        let handles = [try location.open(), try location.open()]
        defer { setup.close(); handles.forEach { $0.close() } }
        let stores = handles
        // 200 stories, each carried by both feeds under the same URL; two daemons ingest one feed each at once.
        let outcomes = try Self.concurrently(2) { daemon -> Int in
            var fresh = 0
            for chunk in stride(from: 0, to: 200, by: 20) {
                let batch = (chunk..<chunk + 20).map {
                    item("d\(daemon)-\($0)", link: "https://wire.example/story/\($0)?utm_campaign=d\(daemon)")
                }
                fresh += try stores[daemon].write { try $0.insertItems(feedID: feeds[daemon], batch) }.filter(\.isNew).count
            }
            return fresh
        }
        #expect(outcomes[0] + outcomes[1] == 200, "new: \(outcomes)")
        #expect(try setup.status(now: t0, recentAlerts: 0).totals.items == 400)
    }
}

/// Results handed back from worker threads, under a lock.
private final class ResultBox<T>: @unchecked Sendable {
    let lock = NSLock()
    var results: [Int: Result<T, Error>] = [:]
}
