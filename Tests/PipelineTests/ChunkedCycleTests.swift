@testable import DaemonRuntime
import Feeds
import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// The cycle leases and fetches feeds in chunks and stores them with group commit: every feed is fetched exactly
/// once per cycle (with `--all` too), its validators land in the store so the next cycle is all conditional,
/// and no lease is left behind.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "needs nginx"))
struct ChunkedCycleTests {
    static func rss(_ feed: Int, items: Int) -> String {
        let entries = (0..<items).map { item in
            "<item><title>Feed \(feed) story \(item)</title><link>https://news.example.net/\(feed)/\(item)</link>"
                + "<guid>f\(feed)-\(item)</guid><description>Text of story \(item) of feed \(feed).</description></item>"
        }.joined()
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed \(feed)</title>"
            + "<link>https://news.example.net/</link><description>d</description>\(entries)</channel></rss>"
    }

    /// The config text written to `directory` and loaded, the store opened with its feeds synced, and a cycle
    /// over it (judging with the real coverage engine, no article pages).
    static func openCycle(directory: URL, configText: String) async throws -> (RuntimeConfig, Services, PollCycle) {
        let configPath = directory.appendingPathComponent("tidings.toml").path
        try configText.write(toFile: configPath, atomically: true, encoding: .utf8)
        let config = try RuntimeConfig.load(path: configPath)
        let services = try Services.open(config)
        do {
            try await services.syncFeeds(config)
        } catch {
            close(services)
            throw error
        }
        let cycle = PollCycle(store: services.store, fetcher: services.fetcher, judge: CoverageJudge(), articles: nil,
                              owner: services.owner, logger: Logger(label: "test"))
        return (config, services, cycle)
    }

    /// Shutting the fetcher down twice is harmless, so tests that stop it early close the same way.
    static func close(_ services: Services) {
        services.fetcher.shutdown()
        services.store.close()
    }

    @Test func allCyclesInSmallChunksFetchEveryFeedOnceThenConditionally() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-chunks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let feedCount = 37   // not a multiple of the chunk size: the last chunk is short
        for feed in 0..<feedCount {
            try Self.rss(feed, items: 3).write(to: root.appendingPathComponent("\(feed).xml"), atomically: true, encoding: .utf8)
        }
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        var text = "[store]\npath = \"\(directory.appendingPathComponent("t.db").path)\"\n\n[poll]\nconcurrency = 4\n\n"
        for feed in 0..<feedCount { text += "[[feed]]\nurl = \"\(nginx.baseURL)/\(feed).xml\"\n" }
        let (config, services, cycle) = try await Self.openCycle(directory: directory, configText: text)
        defer { Self.close(services) }

        let first = try await cycle.run(config: config, all: true, chunkSize: 5)
        #expect(first.feeds == feedCount)
        #expect(first.changed == feedCount)
        #expect(first.failed == 0)
        #expect(first.newItems == feedCount * 3)
        var log = nginx.accessLog(atLeast: feedCount)
        #expect(log.count == feedCount)
        #expect(Set(log.map(\.uri)).count == feedCount)

        // One host's feeds come due spread out, not in a burst: the next polls of these 37 feeds lie at least
        // half a second apart (the spacing is 2 s jittered down to 1 s; moves under 0.5 s are not written).
        // Their jitter alone (±90 s around 15 min) would put some within half a second of each other.
        let dues = try services.store.read { try $0.feeds() }.compactMap(\.nextDue).sorted()
        #expect(dues.count == feedCount)
        let closest = zip(dues, dues.dropFirst()).map { $1.timeIntervalSince($0) }.min() ?? 0
        #expect(closest >= 0.49, "closest next polls of one host: \(closest) s apart")

        // Nothing is due right after a cycle; `--all` polls everything again, once each, all conditional.
        #expect(try await cycle.run(config: config, chunkSize: 5).feeds == 0)
        nginx.clearAccessLog()
        let second = try await cycle.run(config: config, all: true, chunkSize: 5)
        #expect(second.feeds == feedCount)
        #expect(second.notModified == feedCount)
        #expect(second.newItems == 0)
        log = nginx.accessLog(atLeast: feedCount)
        #expect(log.count == feedCount)
        #expect(log.allSatisfy { $0.isConditional && $0.status == 304 })

        let feeds = try services.store.read { try $0.feeds() }
        #expect(feeds.count == feedCount)
        #expect(feeds.allSatisfy { $0.leaseOwner == nil && $0.state == .notModified && $0.itemCount == 3 })
        #expect(feeds.allSatisfy { ($0.nextDue ?? .distantPast) > Date() })
    }

    /// Two hosts, one connection each: a slow one (0.3 s per answer) and a fast one with big bodies, their feeds
    /// interleaved. While a chunk's last transfers wait for the slow host, the next chunk's bodies arrive from
    /// the fast one and fill the fetcher's 1 MB body buffer; unless both chunks are drained as results
    /// arrive, the slow host's queued transfers never get room to start and the cycle never ends.
    @Test(.timeLimit(.minutes(1)))
    func overlappingChunksOnASlowAndAFastHostFinish() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-chunks-hosts")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let padding = String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", count: 800)
        let fastFeeds = 24, slowFeeds = 8
        for feed in 0..<fastFeeds {
            // ~140 KB decoded each: seven fill the buffer.
            let body = Self.rss(feed, items: 3).replacingOccurrences(of: "</description></item>",
                                                                      with: " \(padding)</description></item>")
            try body.write(to: root.appendingPathComponent("\(feed).xml"), atomically: true, encoding: .utf8)
        }
        let fast = try NginxServer.start(root: root)
        defer { fast.stop() }
        let slow = try MisbehavingServer.start()
        defer { slow.stop() }

        var text = "[store]\npath = \"\(directory.appendingPathComponent("t.db").path)\"\n\n"
        text += "[poll]\nconcurrency = 4\nper_host = 1\n\n"
        var fastNext = 0
        for slowFeed in 0..<slowFeeds {
            text += "[[feed]]\nurl = \"\(slow.url("/delay?seconds=0.3&feed=\(slowFeed)"))\"\n"
            for _ in 0..<3 where fastNext < fastFeeds {
                text += "[[feed]]\nurl = \"\(fast.baseURL)/\(fastNext).xml\"\n"
                fastNext += 1
            }
        }
        let (config, services, cycle) = try await Self.openCycle(directory: directory, configText: text)
        defer { Self.close(services) }
        let summary = try await cycle.run(config: config, all: true, chunkSize: 12)
        #expect(summary.feeds == fastFeeds + slowFeeds)
        #expect(summary.changed == fastFeeds + slowFeeds)
        #expect(summary.failed == 0)
    }

    /// A fetcher that is shutting down answers every request "aborted" and the feeds stay due: the cycle must
    /// stop leasing instead of leasing the same feeds again chunk after chunk.
    @Test(.timeLimit(.minutes(1)))
    func aShutDownFetcherEndsTheCycleAfterOneChunk() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-chunks-abort")
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "[store]\npath = \"\(directory.appendingPathComponent("t.db").path)\"\n\n"
        for feed in 0..<12 { text += "[[feed]]\nurl = \"https://feeds.example.org/\(feed).xml\"\n" }
        let (config, services, cycle) = try await Self.openCycle(directory: directory, configText: text)
        defer { Self.close(services) }
        services.fetcher.shutdown()
        let summary = try await cycle.run(config: config, all: true, chunkSize: 3)
        // At most the first chunk and the one leased before its first result came back.
        #expect(summary.aborted >= 3 && summary.aborted <= 6)
        #expect(summary.feeds == 0)
        let feeds = try services.store.read { try $0.feeds() }
        #expect(feeds.allSatisfy { $0.leaseOwner == nil && $0.lastFetch == nil })
    }

    @Test func aLimitSmallerThanTheDueFeedsStopsThereAcrossChunks() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-chunks-limit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for feed in 0..<12 {
            try Self.rss(feed, items: 1).write(to: root.appendingPathComponent("\(feed).xml"), atomically: true, encoding: .utf8)
        }
        var text = "[store]\npath = \"\(directory.appendingPathComponent("t.db").path)\"\n\n"
        for feed in 0..<12 { text += "[[feed]]\nurl = \"\(root.appendingPathComponent("\(feed).xml").absoluteString)\"\n" }
        let (config, services, cycle) = try await Self.openCycle(directory: directory, configText: text)
        defer { Self.close(services) }
        let limited = try await cycle.run(config: config, limit: 7, chunkSize: 3)
        #expect(limited.feeds == 7)
        #expect(limited.changed == 7)
        let rest = try await cycle.run(config: config, limit: 100, chunkSize: 3)
        #expect(rest.feeds == 5)
        let feeds = try services.store.read { try $0.feeds() }
        #expect(feeds.allSatisfy { $0.lastSuccess != nil && $0.leaseOwner == nil })
    }
}

/// Group commit: several feeds per transaction, and a feed whose write fails costs only itself.
@Suite struct FeedWriteQueueTests {
    /// A fresh SQLite store in `directory` with `count` feeds, every one leased by "test".
    private static func storeWithLeasedFeeds(_ count: Int, in directory: URL) throws -> (any Store, [String], [FeedRecord]) {
        let store = try StoreFactory.open(sqlitePath: directory.appendingPathComponent("t.db").path)
        let urls = (0..<count).map { "https://feeds.example.org/\($0).xml" }
        try store.syncFeeds(urls.map { FeedSpec(url: $0) })
        return (store, urls, try store.leaseDueFeeds(now: Date(), limit: count, owner: "test", leaseFor: 60))
    }

    /// Queues a 304 ("not modified") write for each feed.
    private static func submitNotModified(_ feeds: [FeedRecord], to queue: FeedWriteQueue) async {
        for feed in feeds {
            var update = FeedFetchUpdate(from: feed)
            update.state = .notModified
            await queue.submit(FeedWrite(feedID: feed.id, update: update))
        }
    }

    @Test func aFailingFeedInABatchDoesNotLoseTheOthers() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-writequeue")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, urls, leased) = try Self.storeWithLeasedFeeds(6, in: directory)
        defer { store.close() }
        #expect(leased.count == urls.count)

        // A long gather window and a large preferred batch: everything queued goes into one first transaction.
        var limits = FeedWriteQueue.Limits()
        limits.preferredBatch = 100
        limits.gatherSeconds = 0.5
        let queue = FeedWriteQueue(store: store, logger: Logger(label: "test"), limits: limits)
        let now = Date()
        for (index, feed) in leased.enumerated() {
            var update = FeedFetchUpdate(from: feed)
            update.state = .ok
            update.etag = "\"e\(feed.id)\""
            update.lastSuccess = now
            update.nextDue = now.addingTimeInterval(600)
            let items = [NewItem(entryID: "entry-\(feed.id)", title: "Story \(feed.id)",
                                 link: "https://news.example.net/\(feed.id)", firstSeen: now, summary: "Text \(feed.id)")]
            await queue.submit(FeedWrite(feedID: feed.id, update: update, items: items))
            if index == 2 {
                // No such feed: its updateFeed throws inside the batch's transaction.
                await queue.submit(FeedWrite(feedID: 999_999, update: update, items: []))
            }
        }
        let totals = await queue.finish()
        #expect(totals.feeds == urls.count + 1)
        #expect(totals.failedFeeds == 1)
        #expect(totals.newItems == urls.count)
        // The batch failed once as a whole, then each feed went alone.
        #expect(totals.transactions == urls.count)

        let feeds = try store.read { try $0.feeds() }
        #expect(feeds.count == urls.count)
        for feed in feeds {
            #expect(feed.etag == "\"e\(feed.id)\"")
            #expect(feed.itemCount == 1)
            #expect(feed.leaseOwner == nil)
        }
    }

    /// A handler waiting for room in a full queue ends the writer's gather wait: the writer takes what is queued
    /// at once instead of waiting for more feeds that cannot arrive (in a cold cycle the queue fills by bytes,
    /// and every parse worker stood still for the gather window once per batch). Without that, the writer waits
    /// out its 20-second window for each of these writes but the last (counted, not timed).
    @Test func aFullQueueIsWrittenWithoutWaitingForTheGatherWindow() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-writequeue-full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, urls, leased) = try Self.storeWithLeasedFeeds(3, in: directory)
        defer { store.close() }
        var limits = FeedWriteQueue.Limits()
        limits.preferredBatch = 100
        limits.gatherSeconds = 20
        limits.maxQueuedBytes = 1   // one write at a time: every later one waits for room
        let queue = FeedWriteQueue(store: store, logger: Logger(label: "test"), limits: limits)
        await Self.submitNotModified(leased, to: queue)
        let totals = await queue.finish()
        #expect(totals.feeds == urls.count)
        #expect(totals.failedFeeds == 0)
        #expect(totals.gatherWindowsWaitedOut == 0)
        #expect(try store.read { try $0.feeds() }.allSatisfy { $0.state == .notModified })
    }

    @Test func batchesGroupManyFeedsPerTransaction() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-writequeue-batch")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, urls, leased) = try Self.storeWithLeasedFeeds(200, in: directory)
        defer { store.close() }
        let queue = FeedWriteQueue(store: store, logger: Logger(label: "test"))
        await Self.submitNotModified(leased, to: queue)
        let totals = await queue.finish()
        #expect(totals.feeds == urls.count)
        #expect(totals.failedFeeds == 0)
        #expect(totals.transactions < urls.count / 4)
        let states = try store.read { try $0.feeds() }.map(\.state)
        #expect(states.allSatisfy { $0 == .notModified })
    }
}
