import Foundation
import Testing
@testable import Config

@Suite("Configuration: keys, defaults and path resolution")
struct ConfigDefaultsTests {
    @Test("a file with one feed gets every default")
    func defaults() throws {
        let (config, warnings) = try ConfigFixture.load(ConfigFixture.oneFeed)
        #expect(config.sourcePath == "/etc/tidings/tidings.toml")
        #expect(config.directory == "/etc/tidings")
        #expect(config.store.path == "/srv/run/tidings.db")
        #expect(config.store.url == nil)
        #expect(config.store.backend == .sqlite(path: "/srv/run/tidings.db"))
        #expect(config.store.retention == 30 * 86_400)
        let poll = config.poll
        #expect(poll.interval == 900)
        #expect(poll.minInterval == 300)
        #expect(poll.maxInterval == 6 * 3600)
        #expect(poll.concurrency == 64)
        #expect(poll.perHost == 4)
        #expect(poll.timeout == 30)
        #expect(poll.connectTimeout == 10)
        #expect(poll.maxBytes == 10 * 1024 * 1024)
        #expect(poll.userAgent == nil)
        #expect(poll.firstFetch == .alert)
        #expect(config.opml == nil)
        #expect(config.feeds == [FeedSettings(url: "https://example.org/rss.xml", name: nil, interval: nil, fetchArticles: false, line: 1)])
        #expect(config.topics.isEmpty)
        #expect(config.alerts.isEmpty)
        // No topics and no sinks are allowed, but worth saying.
        #expect(warnings.map(\.message).contains { $0.contains("no [[topic]]") })
        #expect(warnings.map(\.message).contains { $0.contains("no [[alert]]") })
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test("the default database lives in $STATE_DIRECTORY when systemd sets it (its first entry)")
    func stateDirectory() throws {
        let one = try ConfigFixture.load(ConfigFixture.oneFeed, environment: ["STATE_DIRECTORY": "/var/lib/tidings"]).config
        #expect(one.store.path == "/var/lib/tidings/tidings.db")
        let several = try ConfigFixture.load(ConfigFixture.oneFeed, environment: ["STATE_DIRECTORY": "/var/lib/a:/var/lib/b"]).config
        #expect(several.store.path == "/var/lib/a/tidings.db")
        let empty = try ConfigFixture.load(ConfigFixture.oneFeed, environment: ["STATE_DIRECTORY": ""]).config
        #expect(empty.store.path == "/srv/run/tidings.db")
    }

    @Test("every key, set")
    func everyKey() throws {
        let text = """
            opml = "feeds.opml"

            [store]
            path = "/data/t.db"
            retention = "7d"

            [poll]
            interval = "10m"
            min_interval = "1s"
            max_interval = "1d"
            concurrency = 8
            per_host = 2
            timeout = "1m"
            connect_timeout = "5s"
            max_bytes = "512KB"
            user_agent = "tidings-test/1.0 (+https://example.org/)"
            first_fetch = "baseline"

            [[feed]]
            url = "https://example.org/a.xml"
            name = "A"
            interval = "2m"
            fetch_articles = true

            [[topic]]
            name = "t1"
            query = 'x AND y'

            [[topic]]
            name = "t2"
            query = "z"

            [[alert]]
            type = "log"
            name = "archive"
            path = "alerts.jsonl"
            topics = ["t2"]

            [[alert]]
            type = "webhook"
            url = "https://hooks.example.org/x?y=1"
            format = "slack"
            secret_env = "HOOK_SECRET"
            topics = ["t1", "t2"]
            give_up_after = "2h30m"
            """
        let (config, warnings) = try ConfigFixture.load(text, environment: ["HOOK_SECRET": "s3cret"])
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(config.opml == "/etc/tidings/feeds.opml")
        #expect(config.opmlPosition == SourcePosition(line: 1, column: 8))
        #expect(config.store.path == "/data/t.db")
        #expect(config.store.retention == 7 * 86_400)
        #expect(config.store.position.line == 3)
        var poll = PollSettings()
        poll.interval = 600
        poll.minInterval = 1
        poll.maxInterval = 86_400
        poll.concurrency = 8
        poll.perHost = 2
        poll.timeout = 60
        poll.connectTimeout = 5
        poll.maxBytes = 512 * 1024
        poll.userAgent = "tidings-test/1.0 (+https://example.org/)"
        poll.firstFetch = .baseline
        #expect(config.poll == poll)
        #expect(config.feeds == [FeedSettings(url: "https://example.org/a.xml", name: "A", interval: 120, fetchArticles: true, line: 19)])
        #expect(config.topics.map(\.name) == ["t1", "t2"])
        #expect(config.topics.map(\.query) == ["x AND y", "z"])
        #expect(config.topics.map(\.line) == [25, 29])
        #expect(config.alerts.count == 2)
        #expect(config.alerts[0] == SinkSettings(name: "archive", kind: .log(path: "/etc/tidings/alerts.jsonl"), topics: ["t2"], line: 33))
        #expect(config.alerts[0].accepts(topic: "t2"))
        #expect(!config.alerts[0].accepts(topic: "t1"))
        let webhook = WebhookSettings(url: "https://hooks.example.org/x?y=1", format: .slack, secretEnv: "HOOK_SECRET", secretFile: nil,
                                      secret: WebhookSecret("s3cret"), giveUpAfter: 9000)
        #expect(config.alerts[1] == SinkSettings(name: "webhook-1", kind: .webhook(webhook), topics: ["t1", "t2"], line: 39))
        #expect(config.summary == "1 feed (+ OPML /etc/tidings/feeds.opml), 2 topics, 2 sinks, store sqlite:/data/t.db")
    }

    @Test("PostgreSQL store: url instead of path; the password never shows")
    func postgres() throws {
        let config = try ConfigFixture.load("[store]\nurl = \"postgresql://tidings:pw@127.0.0.1:5432/tidings\"\n" + ConfigFixture.oneFeed).config
        #expect(config.store.path == nil)
        #expect(config.store.url == "postgresql://tidings:pw@127.0.0.1:5432/tidings")
        #expect(config.store.backend == .postgres(url: "postgresql://tidings:pw@127.0.0.1:5432/tidings"))
        #expect(config.store.displayName == "postgresql://tidings@127.0.0.1:5432/tidings")
        let short = try ConfigFixture.load("[store]\nurl = \"postgres:///tidings?host=/run/postgresql\"\n" + ConfigFixture.oneFeed).config
        #expect(short.store.url == "postgres:///tidings?host=/run/postgresql")
    }

    @Test("relative paths and file: URLs resolve against the configuration's folder")
    func relativePaths() throws {
        let text = """
            opml = "../lists/feeds.opml"
            [store]
            path = "state/tidings.db"
            [[feed]]
            url = "file:feeds/wire.xml"
            [[feed]]
            url = "file:./feeds/../other/b.xml"
            [[feed]]
            url = "file:///abs/c.xml"
            [[feed]]
            url = "file:/abs/d.xml"
            [[feed]]
            url = "file://localhost/abs/e.xml"
            [[alert]]
            type = "log"
            path = "state/alerts.jsonl"
            """
        let config = try ConfigFixture.load(text, workingDirectory: "/home/me", path: "examples/tidings.toml").config
        #expect(config.directory == "/home/me/examples")
        #expect(config.absolutePath == "/home/me/examples/tidings.toml")
        #expect(config.opml == "/home/me/lists/feeds.opml")
        #expect(config.store.path == "/home/me/examples/state/tidings.db")
        #expect(config.feeds.map(\.url) == [
            "file:///home/me/examples/feeds/wire.xml", "file:///home/me/examples/other/b.xml",
            "file:///abs/c.xml", "file:///abs/d.xml", "file:///abs/e.xml",
        ])
        #expect(config.alerts.first?.kind == .log(path: "/home/me/examples/state/alerts.jsonl"))
        // The folder is a plain path; in a URL its special characters are percent-encoded.
        let spaced = try ConfigFixture.load("[[feed]]\nurl = \"file:f.xml\"", path: "/my configs/t.toml").config
        #expect(spaced.feeds.first?.url == "file:///my%20configs/f.xml")
    }

    @Test("sinks are named log, log-2 … and webhook-1, webhook-2 … unless named")
    func sinkNames() throws {
        let text = ConfigFixture.oneFeed + """
            [[alert]]
            type = "webhook"
            url = "https://a.example/"
            [[alert]]
            type = "log"
            path = "/a.jsonl"
            [[alert]]
            type = "log"
            path = "/b.jsonl"
            [[alert]]
            type = "webhook"
            url = "https://b.example/"
            [[alert]]
            type = "webhook"
            name = "pager"
            url = "https://c.example/"
            """
        let config = try ConfigFixture.load(text).config
        #expect(config.alerts.map(\.name) == ["webhook-1", "log", "log-2", "webhook-2", "pager"])
        #expect(config.alerts.map(\.typeName) == ["webhook", "log", "log", "webhook", "webhook"])
        #expect(config.alerts.map(\.topics) == [nil, nil, nil, nil, nil])
    }

    @Test("webhook secrets: from the environment, from a file (trailing line break dropped), from a systemd credential")
    func secrets() throws {
        func webhook(_ config: TidingsConfig) throws -> WebhookSettings {
            guard case .webhook(let settings) = try #require(config.alerts.first).kind else {
                Issue.record("not a webhook")
                throw ConfigError(diagnostics: [])
            }
            return settings
        }
        let base = ConfigFixture.oneFeed + "[[alert]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\n"

        let fromEnvironment = try webhook(ConfigFixture.load(base + "secret_env = \"S\"", environment: ["S": "env-secret"]).config)
        #expect(fromEnvironment.secret?.value == "env-secret")
        #expect(fromEnvironment.secretEnv == "S")

        let fromFile = try webhook(ConfigFixture.load(base + "secret_file = \"/run/keys/hook\"", files: ["/run/keys/hook": "file-secret\n"]).config)
        #expect(fromFile.secret?.value == "file-secret")
        #expect(fromFile.secretFile == "/run/keys/hook")

        let relative = try webhook(ConfigFixture.load(base + "secret_file = \"hook-secret\"", files: ["/etc/tidings/hook-secret": "beside\r\n"]).config)
        #expect(relative.secret?.value == "beside")

        let credential = try webhook(ConfigFixture.load(base + "secret_file = \"hook-secret\"",
                                                        environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/tidings.service"],
                                                        files: ["/run/credentials/tidings.service/hook-secret": "cred"]).config)
        #expect(credential.secret?.value == "cred")
        #expect(credential.secretFile == "/run/credentials/tidings.service/hook-secret")

        let unsigned = try webhook(ConfigFixture.load(base).config)
        #expect(unsigned.secret == nil)
        #expect(unsigned.format == .json)
        #expect(unsigned.giveUpAfter == 86_400)

        // Printing a configuration must not print its secret.
        #expect(!String(describing: fromEnvironment).contains("env-secret"))
    }

    @Test("max_bytes also takes a plain number of bytes; sizes are 1024-based")
    func sizes() throws {
        #expect(try ConfigFixture.load("[poll]\nmax_bytes = 4096\n" + ConfigFixture.oneFeed).config.poll.maxBytes == 4096)
        #expect(try ConfigFixture.load("[poll]\nmax_bytes = \"1GB\"\n" + ConfigFixture.oneFeed).config.poll.maxBytes == 1 << 30)
    }

    @Test("feeds may also be written as an array of inline tables")
    func inlineFeeds() throws {
        let config = try ConfigFixture.load("feed = [ { url = \"https://a.example/f\" }, { url = \"https://b.example/f\", name = \"B\" } ]").config
        #expect(config.feeds.map(\.url) == ["https://a.example/f", "https://b.example/f"])
        #expect(config.feeds.map(\.name) == [nil, "B"])
    }

    @Test("opml may also sit in [poll], where uncommenting the contract's example line puts it")
    func opmlInPoll() throws {
        let config = try ConfigFixture.load("[poll]\nopml = \"/etc/tidings/feeds.opml\"\n").config
        #expect(config.opml == "/etc/tidings/feeds.opml")
        #expect(config.opmlPosition == SourcePosition(line: 2, column: 8))
        let both = ConfigFixture.errors("opml = \"a.opml\"\n[poll]\nopml = \"b.opml\"\n")
        #expect(both.map(\.description) == ["/etc/tidings/tidings.toml:3:8: poll.opml: opml is already set at line 1; give it once"])
    }

    @Test("intervals as short as 1s are allowed (tests, demos)")
    func shortIntervals() throws {
        let config = try ConfigFixture.load("[poll]\ninterval = \"1s\"\nmin_interval = \"1s\"\n" + ConfigFixture.oneFeed).config
        #expect(config.poll.interval == 1)
        #expect(config.poll.minInterval == 1)
    }

    @Test("a topic query error at a query column maps to the file position, across escapes and lines")
    func topicQueryPositions() throws {
        let text = ConfigFixture.oneFeed + """
            [[topic]]
            name = "plain"
            query = 'alpha AND (beta'
            [[topic]]
            name = "escaped"
            query = "\\"New Delhi\\" AND x"
            [[topic]]
            name = "multi"
            query = '''
            alpha
              AND gamma'''
            """
        let config = try ConfigFixture.load(text).config
        let plain = config.topics[0]
        #expect((plain.queryLine, plain.queryColumn) == (5, 10))
        #expect(plain.filePosition(ofQueryColumn: 1) == SourcePosition(line: 5, column: 10))
        #expect(plain.filePosition(ofQueryColumn: 11) == SourcePosition(line: 5, column: 20))
        // Just past the end (an "unexpected end of query" error).
        #expect(plain.filePosition(ofQueryColumn: 16) == SourcePosition(line: 5, column: 25))
        let diagnostic = config.diagnostic(for: plain, queryColumn: 11, message: "unclosed '('")
        #expect(diagnostic.description == "/etc/tidings/tidings.toml:5:20: topic \"plain\": query: unclosed '('")

        let escaped = config.topics[1]
        #expect(escaped.query == "\"New Delhi\" AND x")
        // Query column 2 is 'N', written after the two-character escape \" at file column 10.
        #expect(escaped.filePosition(ofQueryColumn: 2) == SourcePosition(line: 8, column: 12))
        #expect(escaped.filePosition(ofQueryColumn: 17) == SourcePosition(line: 8, column: 28))

        let multi = config.topics[2]
        #expect(multi.query == "alpha\n  AND gamma")
        #expect((multi.queryLine, multi.queryColumn) == (12, 1))
        #expect(multi.filePosition(ofQueryColumn: 9) == SourcePosition(line: 13, column: 3))
    }
}
