@testable import DaemonRuntime
import Feeds
import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// `poll --once` cycles against a real nginx, with the scheduler's state persisted in the store between them:
/// intervals follow the observed change rate, feed hints are respected within [min, max], a 301 moves the feed's
/// URL only once two fetches confirmed it, and a failing feed backs off and recovers by itself.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "needs nginx"))
struct AdaptiveScheduleTests {
    static let interval: TimeInterval = 900, minInterval: TimeInterval = 300, maxInterval: TimeInterval = 3600

    static func rss(items: [String], ttlMinutes: Int? = nil) -> String {
        let entries = items.map { id in
            "<item><title>Story \(id)</title><link>https://news.example.net/\(id)</link><guid>\(id)</guid>"
                + "<description>Text of story \(id).</description></item>"
        }.joined()
        let ttl = ttlMinutes.map { "<ttl>\($0)</ttl>" } ?? ""
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>https://news.example.net/</link>"
            + "<description>d</description>\(ttl)\(entries)</channel></rss>"
    }

    /// The delay the cycle chose for a feed: its next due time measured from the fetch that set it.
    static func delay(_ feed: FeedRecord) throws -> TimeInterval {
        let due = try #require(feed.nextDue), fetched = try #require(feed.lastFetch)
        return due.timeIntervalSince(fetched)
    }

    @Test func schedulesAdaptAcrossCyclesAndRedirectsMoveOnlyOnceConfirmed() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-schedule")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try put("steady.xml", Self.rss(items: ["s1", "s2"]))
        try put("busy.xml", Self.rss(items: ["b0"]))
        try put("ttl-long.xml", Self.rss(items: ["l1"], ttlMinutes: 600))
        try put("ttl-short.xml", Self.rss(items: ["t1"], ttlMinutes: 30))
        try put("new.xml", Self.rss(items: ["n1"]))
        let nginx = try NginxServer.start(root: root, extraServerConfig: "location = /old.xml { return 301 /new.xml; }")
        defer { nginx.stop() }

        let names = ["steady", "busy", "ttl-long", "ttl-short", "old", "broken"]
        var text = "[store]\npath = \"\(directory.appendingPathComponent("t.db").path)\"\n\n"
        text += "[poll]\ninterval = \"15m\"\nmin_interval = \"5m\"\nmax_interval = \"1h\"\n\n"
        for name in names { text += "[[feed]]\nurl = \"\(nginx.baseURL)/\(name).xml\"\n" }
        let configPath = directory.appendingPathComponent("tidings.toml").path
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let config = try RuntimeConfig.load(path: configPath)
        let logger = Logger(label: "test")

        func cycle() async throws -> [String: FeedRecord] {
            let outcome = try await PollOnce.run(config: config, judge: CoverageJudge(), all: true, logger: logger, progress: nil)
            #expect(outcome.summary.feeds == names.count)
            let store = try Services.openStore(config.config.store)
            defer { store.close() }
            let feeds = try store.read { try $0.feeds() }
            return Dictionary(uniqueKeysWithValues: feeds.map { feed in
                (String(feed.configuredURL.split(separator: "/").last!.dropLast(4)), feed)
            })
        }

        // Cycle 1: everything new (or failing).
        var feeds = try await cycle()
        var steady = try #require(feeds["steady"])
        #expect(steady.scheduleState != nil)
        #expect(try Self.delay(steady) >= Self.interval * 0.9 - 1 && Self.delay(steady) <= Self.interval * 1.1 + 1)
        // ttl 600 min is past max_interval: capped at 1 h. ttl 30 min lengthens the 15 min interval to 30 min.
        let long = try #require(feeds["ttl-long"]), short = try #require(feeds["ttl-short"])
        #expect(try Self.delay(long) >= Self.maxInterval * 0.9 - 1 && Self.delay(long) <= Self.maxInterval + 1)
        #expect(try Self.delay(short) >= 1800 * 0.9 - 1 && Self.delay(short) <= 1800 * 1.1 + 1)
        // The 301 is seen once: not trusted yet, the fetch URL is still the old one.
        var moved = try #require(feeds["old"])
        #expect(moved.url.hasSuffix("/old.xml"))
        #expect(FeedScheduling.state(of: moved).pendingRedirect?.hasSuffix("/new.xml") == true)
        var broken = try #require(feeds["broken"])
        #expect(broken.state == .failing && broken.consecutiveFailures == 1)
        let firstBackoff = try Self.delay(broken)
        #expect(firstBackoff >= Self.minInterval - 1 && firstBackoff <= Self.minInterval * 1.2 + 1)

        // Cycle 2: busy changed again; the rest are unchanged (304); broken still 404.
        try put("busy.xml", Self.rss(items: ["b1", "b0"]))
        feeds = try await cycle()
        moved = try #require(feeds["old"])
        #expect(moved.url.hasSuffix("/new.xml"), "confirmed by a second fetch: \(moved.url)")
        #expect(moved.configuredURL.hasSuffix("/old.xml"))
        broken = try #require(feeds["broken"])
        #expect(broken.consecutiveFailures == 2)
        #expect(try Self.delay(broken) >= Self.minInterval * 2 * 0.8 - 1 && Self.delay(broken) <= Self.minInterval * 2 * 1.2 + 1)

        // Cycle 3: busy changes a third time; broken is fixed.
        try put("busy.xml", Self.rss(items: ["b2", "b1", "b0"]))
        try put("broken.xml", Self.rss(items: ["x1"]))
        feeds = try await cycle()
        // A feed that changes on every poll (seconds apart here) is polled as often as allowed: min_interval.
        let busy = try #require(feeds["busy"])
        #expect(FeedScheduling.state(of: busy).changeInterval != nil)
        #expect(try Self.delay(busy) >= Self.minInterval - 1 && Self.delay(busy) <= Self.minInterval * 1.1 + 1)
        // A feed that never changes stretches: two quiet polls → 15 min × 1.25², jittered, within max.
        steady = try #require(feeds["steady"])
        #expect(FeedScheduling.state(of: steady).consecutiveUnchanged == 2)
        let stretched = Self.interval * 1.25 * 1.25
        #expect(try Self.delay(steady) >= stretched * 0.9 - 1 && Self.delay(steady) <= stretched * 1.1 + 1)
        // The moved feed is fetched from its new URL (no more redirect, nothing pending).
        moved = try #require(feeds["old"])
        #expect(FeedScheduling.state(of: moved).pendingRedirect == nil)
        // Recovery: the broken feed is healthy again, its failures forgotten.
        broken = try #require(feeds["broken"])
        #expect(broken.state == .ok && broken.consecutiveFailures == 0 && broken.lastError == nil)
        #expect(try Self.delay(broken) <= Self.interval * 1.1 + 1)
        let log = nginx.accessLog()
        #expect(log.contains { $0.uri == "/new.xml" })
    }

    @Test func legacyRowsWithoutStateKeepBackingOff() throws {
        let feed = FeedRecord(id: 1, configuredURL: "https://a.example/rss", url: "https://a.example/rss", name: nil,
                              active: true, fetch: FeedFetchState(state: .failing, consecutiveFailures: 4, lastError: "http 500"),
                              itemCount: 0, leaseOwner: nil, leaseUntil: nil)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let scheduling = FeedScheduling(feed: feed, policy: SchedulePolicy(interval: 900, minInterval: 300, maxInterval: 3600),
                                        now: now)
        var update = FeedFetchUpdate(from: feed)
        scheduling.apply(FetchObservation(kind: .failed(reason: "http 500", retryAfter: nil, gone: false)), to: &update)
        #expect(update.consecutiveFailures == 5)
        #expect(update.state == .backingOff)
        // 300 s × 2^4, jittered ±20 %.
        let delay = try #require(update.nextDue).timeIntervalSince(now)
        #expect(delay >= 4800 * 0.8 - 1 && delay <= 4800 * 1.2 + 1)
        // The written state reads back as the same state.
        var written = feed
        written.scheduleState = update.scheduleState
        #expect(FeedScheduling.state(of: written).consecutiveFailures == 5)
        // 410 retires; Retry-After is honoured (never earlier than asked).
        var gone = FeedFetchUpdate(from: feed)
        scheduling.apply(FetchObservation(kind: .failed(reason: "http 410", retryAfter: nil, gone: true)), to: &gone)
        #expect(gone.retired && gone.state == .retired && gone.nextDue == nil)
        var wait = FeedFetchUpdate(from: feed)
        scheduling.apply(FetchObservation(kind: .failed(reason: "http 429", retryAfter: 2000, gone: false)), to: &wait)
        #expect(wait.state == .backingOff)
        #expect(try #require(wait.nextDue).timeIntervalSince(now) >= 2000)
    }
}
