import Testing
@testable import Config

@Suite("Configuration: every validation error, with its position")
struct ConfigValidationTests {
    struct Case: CustomStringConvertible, Sendable {
        let text: String
        let line: Int
        let column: Int
        let words: String
        var environment: [String: String] = [:]
        var description: String { words }
    }

    static let cases: [Case] = [
        // Sections of the wrong shape
        Case(text: "store = \"x.db\"", line: 1, column: 9, words: "store: expected a table ([store])"),
        Case(text: "poll = 5", line: 1, column: 8, words: "poll: expected a table"),
        Case(text: "[feed]\nurl = \"https://a.example/\"", line: 1, column: 1, words: "write [[feed]]"),
        Case(text: "topic = 3", line: 1, column: 9, words: "topic: expected [[topic]] tables"),
        Case(text: "feed = [1]", line: 1, column: 9, words: "feed[1]: expected a table"),
        // [store]
        Case(text: "[store]\npath = \"a.db\"\nurl = \"postgresql://h/db\"", line: 3, column: 7, words: "store.url: give either path"),
        Case(text: "[store]\nurl = \"mysql://h/db\"", line: 2, column: 7, words: "store.url: expected a postgresql://"),
        Case(text: "[store]\npath = \"\"", line: 2, column: 8, words: "store.path: must not be empty"),
        Case(text: "[store]\npath = 5", line: 2, column: 8, words: "store.path: expected a string, found the integer 5"),
        Case(text: "[store]\nretention = \"30 days\"", line: 2, column: 13, words: "store.retention: invalid duration \"30 days\""),
        Case(text: "[store]\nretention = \"0s\"", line: 2, column: 13, words: "store.retention: must be at least 1s"),
        // [poll]
        Case(text: "[poll]\ninterval = \"5 minutes\"", line: 2, column: 12, words: "poll.interval: invalid duration \"5 minutes\": spaces are not allowed (use 30s, 10m, 2h, 1d)"),
        Case(text: "[poll]\ninterval = 300", line: 2, column: 12, words: "found the integer 300"),
        Case(text: "[poll]\ninterval = \"10\"", line: 2, column: 12, words: "a unit is missing"),
        Case(text: "[poll]\ninterval = \"1.5h\"", line: 2, column: 12, words: "1h30m instead of 1.5h"),
        Case(text: "[poll]\ninterval = \"5w\"", line: 2, column: 12, words: "unknown unit 'w'"),
        Case(text: "[poll]\nmin_interval = \"20m\"", line: 2, column: 16, words: "poll.min_interval (20m) is longer than poll.interval (15m, the default)"),
        Case(text: "[poll]\ninterval = \"1m\"", line: 2, column: 12, words: "poll.min_interval (5m, the default) is longer than poll.interval (1m)"),
        Case(text: "[poll]\ninterval = \"7h\"", line: 2, column: 12, words: "poll.interval (7h) is longer than poll.max_interval (6h, the default)"),
        Case(text: "[poll]\nmax_interval = \"10m\"", line: 2, column: 16, words: "poll.interval (15m, the default) is longer than poll.max_interval (10m)"),
        Case(text: "[poll]\nconcurrency = 0", line: 2, column: 15, words: "poll.concurrency: 0 is out of range"),
        Case(text: "[poll]\nconcurrency = \"64\"", line: 2, column: 15, words: "write 64 without quotes"),
        Case(text: "[poll]\nper_host = -1", line: 2, column: 12, words: "poll.per_host: -1 is out of range"),
        Case(text: "[poll]\ntimeout = \"0s\"", line: 2, column: 11, words: "poll.timeout: must be at least 1s"),
        Case(text: "[poll]\nconnect_timeout = true", line: 2, column: 19, words: "found the boolean true"),
        Case(text: "[poll]\nmax_bytes = \"10 MB\"", line: 2, column: 13, words: "poll.max_bytes: invalid size \"10 MB\""),
        Case(text: "[poll]\nmax_bytes = \"10TB\"", line: 2, column: 13, words: "unknown unit"),
        Case(text: "[poll]\nmax_bytes = 100", line: 2, column: 13, words: "at least 1024 bytes"),
        Case(text: "[poll]\nuser_agent = \"a\\r\\nX-Evil: 1\"", line: 2, column: 14, words: "control characters"),
        Case(text: "[poll]\nfirst_fetch = \"skip\"", line: 2, column: 15, words: "expected \"alert\" or \"baseline\""),
        // [[feed]]
        Case(text: "[[feed]]\nname = \"x\"", line: 1, column: 1, words: "feed[1]: missing required key \"url\""),
        Case(text: "[[feed]]\nurl = \"ftp://a.example/f\"", line: 2, column: 7, words: "unsupported scheme \"ftp\""),
        Case(text: "[[feed]]\nurl = \"example.org/rss\"", line: 2, column: 7, words: "not a URL"),
        Case(text: "[[feed]]\nurl = \"https:/example.org\"", line: 2, column: 7, words: "followed by a host"),
        Case(text: "[[feed]]\nurl = \"http:///rss\"", line: 2, column: 7, words: "no host"),
        Case(text: "[[feed]]\nurl = \"https://a.example:99999/\"", line: 2, column: 7, words: "invalid port"),
        Case(text: "[[feed]]\nurl = \"https://a example/\"", line: 2, column: 7, words: "spaces are not allowed"),
        Case(text: "[[feed]]\nurl = \"file://feeds/wire.xml\"", line: 2, column: 7, words: "a file URL has no host"),
        Case(text: "[[feed]]\nurl = \"https://a.example/f\"\n[[feed]]\nurl = \"https://a.example/f\"", line: 4, column: 7, words: "already listed by feed[1] (line 1)"),
        Case(text: "[[feed]]\nurl = \"https://a.example/f\"\ninterval = \"often\"", line: 3, column: 12, words: "feed[1].interval: invalid duration"),
        Case(text: "[[feed]]\nurl = \"https://a.example/f\"\nfetch_articles = \"yes\"", line: 3, column: 18, words: "expected true or false"),
        Case(text: "[[feed]]\nurl = \"https://a.example/f\"\nname = \"\"", line: 3, column: 8, words: "feed[1].name: must not be empty"),
        Case(text: "opml = [\"a\"]", line: 1, column: 8, words: "opml: expected a string"),
        // [[topic]]
        Case(text: "[[topic]]\nquery = \"x\"", line: 1, column: 1, words: "topic[1]: missing required key \"name\""),
        Case(text: "[[topic]]\nname = \"t\"", line: 1, column: 1, words: "topic[1]: missing required key \"query\""),
        Case(text: "[[topic]]\nname = \"t\"\nquery = \"  \"", line: 3, column: 9, words: "topic[1].query: must not be empty"),
        Case(text: "[[topic]]\nname = \"t\"\nquery = \"a\"\n[[topic]]\nname = \"t\"\nquery = \"b\"", line: 5, column: 8, words: "topic \"t\" is already defined at line 1"),
        // [[alert]]
        Case(text: "[[alert]]\npath = \"/a\"", line: 1, column: 1, words: "alert[1]: missing required key \"type\""),
        Case(text: "[[alert]]\ntype = \"mail\"", line: 2, column: 8, words: "unknown sink type \"mail\" (expected \"log\", \"webhook\" or \"email\")"),
        Case(text: "[[alert]]\ntype = \"log\"", line: 1, column: 1, words: "alert[1]: missing required key \"path\""),
        Case(text: "[[alert]]\ntype = \"webhook\"", line: 1, column: 1, words: "alert[1]: missing required key \"url\""),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"file:///tmp/x\"", line: 3, column: 7, words: "a file: URL is not allowed here"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nformat = \"xml\"", line: 4, column: 10, words: "expected \"json\" or \"slack\""),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\ngive_up_after = \"soon\"", line: 4, column: 17, words: "give_up_after: invalid duration"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret = \"hunter2\"", line: 4, column: 1, words: "must not be written in the configuration file"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_env = \"HOOK\"", line: 4, column: 14, words: "environment variable HOOK is not set"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_env = \"HOOK\"", line: 4, column: 14, words: "HOOK is set but empty", environment: ["HOOK": ""]),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_env = \"1-BAD\"", line: 4, column: 14, words: "not an environment variable name"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_file = \"/run/none\"", line: 4, column: 15, words: "cannot read /run/none: no such file"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_file = \"/run/empty\"", line: 4, column: 15, words: "/run/empty is empty"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nurl = \"https://h/\"\nsecret_env = \"A\"\nsecret_file = \"/run/k\"", line: 5, column: 15, words: "either secret_env or secret_file, not both", environment: ["A": "x"]),
        Case(text: "[[alert]]\ntype = \"log\"\npath = \"/a\"\ntopics = [\"nope\"]", line: 4, column: 11, words: "unknown topic \"nope\""),
        Case(text: "[[alert]]\ntype = \"log\"\npath = \"/a\"\ntopics = \"t\"", line: 4, column: 10, words: "found a single string"),
        Case(text: "[[alert]]\ntype = \"log\"\npath = \"/a\"\ntopics = [1]", line: 4, column: 11, words: "expected strings in the array"),
        Case(text: "[[alert]]\ntype = \"log\"\npath = \"/a\"\n[[alert]]\ntype = \"log\"\npath = \"/b/../a\"", line: 6, column: 8, words: "alert[1] already writes to /a"),
        Case(text: "[[alert]]\ntype = \"log\"\nname = \"x\"\npath = \"/a\"\n[[alert]]\ntype = \"log\"\nname = \"x\"\npath = \"/b\"", line: 7, column: 8, words: "sink name \"x\" is already used by alert[1] (line 1)"),
        Case(text: "[[alert]]\ntype = \"webhook\"\nname = \"log\"\nurl = \"https://h/\"\n[[alert]]\ntype = \"log\"\npath = \"/b\"", line: 6, column: 8, words: "give this sink its own name"),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) {
        let errors = ConfigFixture.errors(testCase.text, environment: testCase.environment, files: ["/run/empty": "\n", "/run/k": "k"])
        let match = errors.first { $0.message.contains(testCase.words) }
        #expect(match != nil, "no error containing \(testCase.words.debugDescription) in \(errors)")
        if let match {
            #expect((match.line, match.column) == (testCase.line, testCase.column), "\(match)")
            #expect(match.file == ConfigFixture.path)
            #expect(match.severity == .error)
        }
    }

    @Test("every problem is reported, in file order, not just the first")
    func allProblems() {
        let text = """
            [poll]
            interval = "5 minutes"
            concurrency = 0
            [[feed]]
            url = "gopher://x"
            [[alert]]
            type = "pager"
            """
        let errors = ConfigFixture.errors(text)
        #expect(errors.map(\.line) == [2, 3, 5, 7])
        #expect(errors.map(\.description) == [
            "/etc/tidings/tidings.toml:2:12: poll.interval: invalid duration \"5 minutes\": spaces are not allowed (use 30s, 10m, 2h, 1d)",
            "/etc/tidings/tidings.toml:3:15: poll.concurrency: 0 is out of range (1…100000)",
            "/etc/tidings/tidings.toml:5:7: feed[1].url: invalid URL \"gopher://x\": unsupported scheme \"gopher\" (expected http, https or file)",
            "/etc/tidings/tidings.toml:7:8: alert[1].type: unknown sink type \"pager\" (expected \"log\", \"webhook\" or \"email\")",
        ])
    }

    @Test("a TOML syntax error is one diagnostic with the file, line and column")
    func syntaxError() {
        let errors = ConfigFixture.errors("[poll]\ninterval = \"5m\n")
        #expect(errors.map(\.description) == [
            "/etc/tidings/tidings.toml:2:15: unterminated string (opened at 2:12; use \"\"\" for multi-line strings)",
        ])
    }

    @Test("unknown keys are warnings with their position, with a suggestion for likely typos")
    func unknownKeys() {
        let text = """
            colour = "blue"
            [poll]
            intervall = "5m"
            [[feed]]
            url = "https://a.example/f"
            fetch-articles = true
            [[topic]]
            name = "t"
            query = "x"
            weight = 2
            [[alert]]
            type = "log"
            path = "/a"
            format = "slack"
            """
        let warnings = ConfigFixture.warnings(text)
        #expect(warnings.map(\.description) == [
            "/etc/tidings/tidings.toml:1:1: warning: colour: unknown key (ignored)",
            "/etc/tidings/tidings.toml:3:1: warning: poll.intervall: unknown key (ignored); did you mean \"interval\"?",
            "/etc/tidings/tidings.toml:6:1: warning: feed[1].fetch-articles: unknown key (ignored); did you mean \"fetch_articles\"?",
            "/etc/tidings/tidings.toml:10:1: warning: topic[1].weight: unknown key (ignored)",
            "/etc/tidings/tidings.toml:14:1: warning: alert[1].format: not used by a log sink (ignored)",
        ])
    }

    @Test("keys in the wrong table get a hint where they belong")
    func misplacedKeys() {
        let warnings = ConfigFixture.warnings("interval = \"5m\"\nurl = \"https://a.example/\"\n[store]\npath = \"/t.db\"\nopml = \"f.opml\"\n")
        #expect(warnings.map(\.description).filter { !$0.hasSuffix("delivered") && !$0.contains("no ") } == [
            "/etc/tidings/tidings.toml:1:1: warning: interval: a [poll] setting: put it under [poll] (ignored)",
            "/etc/tidings/tidings.toml:2:1: warning: url: belongs inside a table ([store], [[feed]], [[topic]] or [[alert]]) (ignored)",
            "/etc/tidings/tidings.toml:5:1: warning: store.opml: opml is a top-level key, but every key after a [table] header belongs to that table: move it above the first header (ignored)",
        ])
    }

    @Test("settings that will be overridden are warnings")
    func overriddenSettings() {
        let text = """
            [poll]
            per_host = 100
            connect_timeout = "1m"
            [[feed]]
            url = "https://a.example/f"
            interval = "1m"
            [[feed]]
            url = "https://b.example/f"
            interval = "1d"
            [[topic]]
            name = "t"
            query = "x"
            [[alert]]
            type = "log"
            path = "/a"
            topics = []
            """
        let warnings = ConfigFixture.warnings(text)
        #expect(warnings.map(\.line) == [2, 3, 6, 9, 16])
        #expect(warnings[0].message.contains("more than concurrency (64)"))
        #expect(warnings[1].message.contains("longer than timeout (30s)"))
        #expect(warnings[2].message.contains("shorter than poll.min_interval (5m)"))
        #expect(warnings[3].message.contains("longer than poll.max_interval (6h)"))
        #expect(warnings[4].message.contains("sends this sink nothing"))
    }

    @Test("a topic query the given validator rejects is an error at the query character's file position")
    func topicQueryValidation() {
        // A stand-in for Coverage's parser with the same contract: the 1-based column of the first '(' left open.
        let validator: ConfigLoader.TopicQueryValidator = { query in
            var open: [Int] = []
            for (offset, character) in query.enumerated() {
                if character == "(" { open.append(offset + 1) }
                if character == ")" { _ = open.popLast() }
            }
            return open.first.map { ($0, "the ( opened here is never closed") }
        }
        let text = #"""
            [[topic]]
            name = "good"
            query = "(a OR b) AND c"
            [[topic]]
            name = "bad"
            query = "\u00e9t\u00e9 AND (x OR y"
            [[topic]]
            name = "multi"
            query = '''
            alpha AND
              (beta'''
            """#
        do {
            let (config, _) = try ConfigFixture.load(text, validateQuery: validator)
            Issue.record("loaded: \(config.summary)")
        } catch {
            #expect(error.errors.map(\.description) == [
                "/etc/tidings/tidings.toml:6:28: topic[2].query: topic \"bad\": the ( opened here is never closed",
                "/etc/tidings/tidings.toml:11:3: topic[3].query: topic \"multi\": the ( opened here is never closed",
            ])
        }
        let fixed = text.replacingOccurrences(of: "(x OR y", with: "x").replacingOccurrences(of: "(beta", with: "beta")
        #expect(throws: Never.self) { try ConfigFixture.load(fixed, validateQuery: validator) }
    }

    @Test("an empty file loads, with warnings about what is missing")
    func emptyFile() {
        let warnings = ConfigFixture.warnings("")
        #expect(warnings.count == 3)
        #expect(warnings.allSatisfy { $0.line == 1 && $0.column == 1 })
    }
}
