import Foundation
import Testing
import TestSupport

/// Two `tidings poll --once` processes sharing one PostgreSQL store split the work: every feed is fetched by
/// exactly one of them (nginx's log says so) and every alert is claimed and delivered by exactly one.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled && PostgresServer.isAvailable) || TestEnvironment.strict,
                             "needs the built tidings binary, nginx and PostgreSQL"))
struct SharedStoreTests {
    static let feedCount = 1000
    /// Every 50th feed carries an on-topic story, so alerts are many but the run stays quick.
    static func isOnTopic(_ index: Int) -> Bool { index % 50 == 7 }

    static func writeFeeds(into root: URL) throws {
        for index in 0..<feedCount {
            let story: Fixture.Story
            if isOnTopic(index) {
                story = Fixture.Story(
                    title: "Harbor crane \(index) collapses at Port Velmar container terminal",
                    link: "https://news.example.net/velmar-crane-\(index)",
                    published: "Wed, 03 Jun 2026 09:\(String(format: "%02d", index % 60)):00 GMT",
                    paragraphs: ["Crane number \(index) collapsed at the Port Velmar container terminal on Wednesday, the port operator said, and \(index % 9 + 1) workers were hurt."])
            } else {
                story = Fixture.Story(
                    title: "Garden club \(index) meets on Thursday",
                    link: "https://news.example.net/garden-\(index)",
                    published: "Wed, 03 Jun 2026 08:00:00 GMT",
                    paragraphs: ["The garden club number \(index) meets on Thursday evening to swap seeds."])
            }
            try Fixture.rss(title: "Feed \(index)", stories: [story])
                .write(to: root.appendingPathComponent("feed-\(index).xml"), atomically: false, encoding: .utf8)
        }
    }

    @Test func twoPollersOnOneStoreFetchEachFeedOnceAndClaimEachAlertOnce() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-shared")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Self.writeFeeds(into: root)
        let nginx = try NginxServer.start(root: root, workers: 2)
        defer { nginx.stop() }
        let postgres = try PostgresServer.shared()
        let onTopic = (0..<Self.feedCount).filter(Self.isOnTopic).count

        var splits: [[Int]] = []
        for run in 1...3 {
            nginx.clearAccessLog()
            let database = try postgres.createDatabase(prefix: "shared")
            let alertLog = directory.appendingPathComponent("alerts-\(run).jsonl")
            var text = "[store]\nurl = \"\(database)\"\n\n[poll]\nconcurrency = 32\n\n"
            for index in 0..<Self.feedCount { text += "[[feed]]\nurl = \"\(nginx.baseURL)/feed-\(index).xml\"\n" }
            text += """

                [[topic]]
                name = "velmar-port"
                query = '"Port Velmar" AND (crane OR terminal)'

                [[alert]]
                type = "log"
                path = "\(alertLog.path)"

                """
            let config = directory.appendingPathComponent("tidings-\(run).toml")
            try text.write(to: config, atomically: true, encoding: .utf8)

            // Two threads of our own: runProcess waits on GCD's global queue, which concurrentPerform would exhaust.
            let results = Locked<[ProcessResult]>([])
            let finished = DispatchSemaphore(value: 0)
            for _ in 0..<2 {
                Thread.detachNewThread {
                    if let result = try? runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path]) {
                        results.withLock { $0.append(result) }
                    }
                    finished.signal()
                }
            }
            for _ in 0..<2 { finished.wait() }
            let outcomes = results.value
            #expect(outcomes.count == 2)
            for outcome in outcomes { #expect(outcome.status == 0, "run \(run): \(outcome.stderr)") }

            // Each feed fetched exactly once across both processes.
            let fetches = nginx.accessLog().filter { $0.uri.hasPrefix("/feed-") }
            let perFeed = Dictionary(grouping: fetches, by: \.uri).mapValues(\.count)
            #expect(perFeed.count == Self.feedCount, "run \(run): \(perFeed.count) distinct feeds fetched")
            #expect(perFeed.values.allSatisfy { $0 == 1 }, "run \(run): some feed fetched twice: \(perFeed.filter { $0.value > 1 }.keys.sorted().prefix(5))")
            // Both processes did some of the work (the summaries add up to all feeds).
            let polled = outcomes.compactMap { outcome -> Int? in
                guard let line = outcome.stdout.split(separator: "\n").last(where: { $0.hasPrefix("polled ") }) else { return nil }
                return Int(line.split(separator: " ")[1])
            }
            #expect(polled.reduce(0, +) == Self.feedCount, "run \(run): summaries \(outcomes.map(\.stdout))")
            #expect(polled.count == 2, "run \(run): summaries \(outcomes.map(\.stdout))")
            splits.append(polled)
            print("shared store run \(run): feeds polled per process \(polled)")

            // Each alert delivered exactly once (one line in the shared log), one per on-topic story at most.
            let ids = Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String }
            #expect(!ids.isEmpty, "run \(run): no alerts")
            #expect(ids.count <= onTopic)
            #expect(ids.count == Set(ids).count, "run \(run): an alert was delivered twice")
            let owed = try postgres.psql("SELECT count(*) FROM outbox WHERE state <> 'delivered'",
                                         database: String(database.split(separator: "/").last!))
            #expect(owed == "0", "run \(run): \(owed) alerts left undelivered")
        }
        // On a shared store feeds are leased in small chunks (PollCycle.chunkSize), so two pollers started together
        // both get work. Not required of every run: on a loaded machine the second process can start after the
        // first has leased the last chunk (CI saw [0, 1000] in two runs of three beside other builds). A poller
        // that leased every feed at once would take all of them in every run, which this still catches.
        #expect(splits.contains { $0.count == 2 && $0.allSatisfy { $0 > 0 } }, "one poller did everything in every run: \(splits)")
    }
}

/// A lock-protected value shared between the poller threads of a test.
final class Locked<Value>: @unchecked Sendable {
    private var storage: Value
    private let lock = NSLock()
    init(_ value: Value) { storage = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&storage) }
    var value: Value { withLock { $0 } }
}
