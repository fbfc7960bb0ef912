import Foundation
import Testing
import TestSupport

/// Exit statuses and output formats of the daemon commands that need no servers.
@Suite(.enabled(if: Fixture.binaryIsBuilt || TestEnvironment.strict, "needs the built tidings binary"))
struct CommandLineTests {
    @Test func badConfigurationExits78WithJournalPrioritiesUnderSystemd() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bad.toml")
        try "[[topic]]\nname = \"t\"\nquery = 'bridge AND (ship'\n".write(to: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["JOURNAL_STREAM"] = "8:12345"
        let run = try runProcess(TestPaths.tidingsBinary, ["run", "--config", config.path], environment: environment)
        #expect(run.status == 78)
        let lines = run.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        // journald reads the priority from the prefix and adds its own timestamp.
        #expect(lines.allSatisfy { $0.hasPrefix("<3>") }, "\(run.stderr)")
        #expect(run.stderr.contains("bad.toml:3"), "the query error names the file and line: \(run.stderr)")

        let poll = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path])
        #expect(poll.status == 78)
        #expect(poll.stderr.contains("bad.toml:3"))
    }

    @Test func pollWithoutOnceIsAUsageError() throws {
        let result = try runProcess(TestPaths.tidingsBinary, ["poll", "--config", "/nonexistent.toml"])
        #expect(result.status == 2, "the contract: usage errors exit 2")
        #expect(result.stderr.contains("--once"))
    }

    @Test func missingConfigurationIsAConfigurationError() throws {
        let result = try runProcess(TestPaths.tidingsBinary, ["status", "--config", "/nonexistent/tidings.toml"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("/nonexistent/tidings.toml"))
    }

    /// The product binary carries no benchmark or stress driver; they answer from `tidings-bench` instead.
    @Test func benchmarkDriversLiveInTheirOwnBinary() throws {
        for command in ["fetch-bench", "store-bench", "store-stress"] {
            let product = try runProcess(TestPaths.tidingsBinary, [command])
            #expect(product.status == 2 && product.stderr.contains("Unexpected argument '\(command)'"),
                    "tidings \(command) must be unknown: \(product.stderr)")
            let bench = try runProcess(TestPaths.benchBinary, [command, "--help"])
            #expect(bench.status == 0, "tidings-bench \(command): \(bench.stderr)")
            #expect(bench.stdout.contains(command))
        }
    }
}

/// `first_fetch = "baseline"`: a new feed's items teach their facts without alerting; what comes later alerts.
@Suite(.enabled(if: Fixture.binaryIsBuilt || TestEnvironment.strict, "needs the built tidings binary"))
struct BaselineTests {
    @Test func firstFetchBaselineLearnsWithoutAlerting() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-baseline")
        defer { try? FileManager.default.removeItem(at: directory) }
        let feed = directory.appendingPathComponent("wire.xml")
        try Fixture.rss(title: "Wire", stories: [DaemonEndToEndTests.original]).write(to: feed, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("tidings.toml")
        try """
            [store]
            path = "state/tidings.db"

            [poll]
            interval = "1s"
            min_interval = "1s"
            first_fetch = "baseline"

            [[feed]]
            url = "file:wire.xml"

            [[topic]]
            name = "orrin-dam"
            query = '"Lake Orrin" AND (dam OR spillway)'

            [[alert]]
            type = "log"
            path = "state/alerts.jsonl"

            """.write(to: config, atomically: true, encoding: .utf8)
        let alertLog = directory.appendingPathComponent("state/alerts.jsonl")

        let first = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("1 new items"))
        #expect(Fixture.alerts(in: alertLog).isEmpty, "baseline alerted")

        // The update adds facts to the learnt event: new_facts, not new_event. (A second later, so the file's
        // Last-Modified, which has whole seconds, changes.)
        Thread.sleep(forTimeInterval: 1.1)
        try Fixture.rss(title: "Wire", stories: [DaemonEndToEndTests.update, DaemonEndToEndTests.original])
            .write(to: feed, atomically: true, encoding: .utf8)
        let second = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--all", "--config", config.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("1 changed"), "\(second.stdout)")
        #expect(Fixture.alerts(in: alertLog).map { $0["verdict"] as? String } == ["new_facts"])
    }
}

/// Feeds listed in an OPML file are polled like `[[feed]]` entries; relative outline URLs resolve against the
/// OPML file's folder.
@Suite(.enabled(if: Fixture.binaryIsBuilt || TestEnvironment.strict, "needs the built tidings binary"))
struct OPMLFeedsTests {
    @Test func opmlFeedsArePolled() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-opml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let feeds = directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        try Fixture.rss(title: "Wire", stories: [DaemonEndToEndTests.original])
            .write(to: feeds.appendingPathComponent("wire.xml"), atomically: true, encoding: .utf8)
        try Fixture.rss(title: "Daily", stories: [DaemonEndToEndTests.offTopic])
            .write(to: feeds.appendingPathComponent("daily.xml"), atomically: true, encoding: .utf8)
        try """
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>subscriptions</title></head><body>
              <outline text="News"><outline text="Wire" type="rss" xmlUrl="wire.xml"/></outline>
              <outline text="Daily" type="rss" xmlUrl="file://\(feeds.path)/daily.xml"/>
            </body></opml>
            """.write(to: feeds.appendingPathComponent("list.opml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("tidings.toml")
        try """
            opml = "feeds/list.opml"

            [store]
            path = "tidings.db"

            [[topic]]
            name = "orrin-dam"
            query = '"Lake Orrin" AND (dam OR spillway)'

            [[alert]]
            type = "log"
            path = "alerts.jsonl"

            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("polled 2 feeds: 2 changed"), "\(result.stdout)")
        #expect(Fixture.alerts(in: directory.appendingPathComponent("alerts.jsonl")).map { $0["verdict"] as? String } == ["new_event"])

        // An OPML file that is not OPML rejects the configuration, naming the file.
        try "<html>no</html>".write(to: feeds.appendingPathComponent("list.opml"), atomically: true, encoding: .utf8)
        let broken = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path])
        #expect(broken.status == 78)
        #expect(broken.stderr.contains("list.opml"), "\(broken.stderr)")
    }
}
