import Foundation

/// Turns a parsed TOML document into a `TidingsConfig`, recording every problem in `diagnostics`.
struct ConfigBuilder {
    let document: TOMLTable
    let path: String
    let environment: [String: String]
    /// Absolute folder of the configuration file: relative paths and `file:` URLs resolve against it.
    let directory: String
    let workingDirectory: String
    let readFile: ConfigLoader.FileReader
    let validateQuery: ConfigLoader.TopicQueryValidator?
    let diagnostics: DiagnosticCollector

    init(document: TOMLTable, path: String, environment: [String: String], directory: String,
         workingDirectory: String, readFile: @escaping ConfigLoader.FileReader,
         validateQuery: ConfigLoader.TopicQueryValidator?) {
        self.document = document
        self.path = path
        self.environment = environment
        self.directory = directory
        self.workingDirectory = workingDirectory
        self.readFile = readFile
        self.validateQuery = validateQuery
        self.diagnostics = DiagnosticCollector(file: path)
    }

    static let topLevelKeys = ["store", "poll", "opml", "feed", "topic", "alert", "http", "coverage"]
    static let coverageKeys = ["settle"]
    static let httpKeys = ["listen", "auth_token_env", "auth_token_file", "public_url"]
    static let storeKeys = ["path", "url", "retention"]
    static let pollKeys = ["interval", "min_interval", "max_interval", "concurrency", "per_host", "timeout",
                           "connect_timeout", "max_bytes", "user_agent", "first_fetch", "opml"]
    static let feedKeys = ["url", "name", "interval", "fetch_articles"]
    static let topicKeys = ["name", "query"]
    static let commonSinkKeys = ["type", "name", "topics"]
    static let logSinkKeys = commonSinkKeys + ["path"]
    static let webhookSinkKeys = commonSinkKeys + ["url", "format", "secret_env", "secret_file", "give_up_after"]
    static let emailSinkKeys = commonSinkKeys + ["smtp_url", "starttls", "from", "to", "username", "password_env",
                                                 "password_file", "mode", "digest_every", "digest_at",
                                                 "digest_timezone", "send_empty", "give_up_after", "ca_file"]

    /// Keys a user plausibly wrote at the top level but that belong to a table.
    static let misplacedAtTopLevel: [String: String] = {
        var hints: [String: String] = [:]
        for key in pollKeys where key != "opml" { hints[key] = "a [poll] setting: put it under [poll]" }
        hints["retention"] = "a [store] setting: put it under [store]"
        hints["settle"] = "a [coverage] setting: put it under [coverage]"
        for key in ["path", "url", "name", "query", "type"] {
            hints[key] = "belongs inside a table ([store], [[feed]], [[topic]] or [[alert]])"
        }
        return hints
    }()

    /// In TOML every key after a header belongs to that table, a classic trap for top-level keys.
    static let misplacedInTable: [String: String] = [
        "opml": "opml is a top-level key, but every key after a [table] header belongs to that table: move it above the first header",
    ]

    private var start: SourcePosition { SourcePosition(line: 1, column: 1) }

    mutating func build() -> TidingsConfig? {
        let top = SectionReader(table: document, name: "", diagnostics: diagnostics)
        top.warnAboutUnknownKeys(known: Self.topLevelKeys, notUsedHere: Self.misplacedAtTopLevel)

        let store = buildStore(table(named: "store"))
        let poll = buildPoll(table(named: "poll"))

        // The contract's example shows `# opml = …` below the [poll] keys, so uncommenting it there makes it
        // poll.opml in TOML terms; both places mean the same file.
        var opml: String?
        var opmlPosition: SourcePosition?
        let pollSection = table(named: "poll")
        if top.has("opml"), let pollSection, pollSection.has("opml") {
            pollSection.error("opml", "opml is already set at line \(top.position(of: "opml").line); give it once")
        } else if let (text, value) = top.string("opml") ?? pollSection?.string("opml") {
            opml = URLRules.resolvePath(text, relativeTo: directory)
            opmlPosition = value.position
        }

        let feeds = buildFeeds(tables(named: "feed"), poll: poll)
        let topicSections = tables(named: "topic")
        let topics = buildTopics(topicSections)
        // Names of topics that failed validation still count, so a sink naming them gets no second error.
        let declaredTopics = Set(topicSections.compactMap { $0.table["name"]?.stringValue })
        let alerts = buildSinks(tables(named: "alert"), topics: topics, declaredTopics: declaredTopics)

        if feeds.isEmpty && opml == nil && document["feed"] == nil {
            diagnostics.warning("no feeds: add [[feed]] tables or opml = \"feeds.opml\"", at: start)
        }
        if topics.isEmpty && document["topic"] == nil {
            diagnostics.warning("no [[topic]]: nothing will be judged or alerted", at: start)
        }
        if alerts.isEmpty && document["alert"] == nil {
            diagnostics.warning("no [[alert]] sink: alerts are stored (see tidings status) but not delivered", at: start)
        }
        let http = buildHTTP(table(named: "http"))
        let coverage = buildCoverage(table(named: "coverage"))
        guard let store, let poll, let http, let coverage else { return nil }
        var config = TidingsConfig(sourcePath: path, directory: directory,
                             absolutePath: URLRules.resolvePath(path, relativeTo: workingDirectory), store: store, poll: poll, opml: opml,
                             opmlPosition: opmlPosition, feeds: feeds, topics: topics, alerts: alerts)
        config.http = http
        config.coverage = coverage
        return config
    }

    // MARK: [coverage]

    private func buildCoverage(_ section: SectionReader?) -> CoverageSettings? {
        guard let section else { return nil }
        section.warnAboutUnknownKeys(known: Self.coverageKeys)
        var coverage = CoverageSettings()
        // `0` (or "0s") judges at once; anything else is a duration of at most a day.
        if let value = section.table["settle"], value.stringValue == "0" || { if case .integer(0) = value.kind { return true }; return false }() {
            coverage.settle = 0
        } else if let seconds = section.duration("settle", minimumSeconds: 0) {
            if seconds > 86_400 {
                section.error("settle", "must be at most 1d (items wait this long before they are judged), found \"\(section.table["settle"]?.stringValue ?? "")\"")
            } else {
                coverage.settle = seconds
            }
        }
        return coverage
    }

    // MARK: Section lookup

    /// A single table (`[poll]`), or an empty one at the file's start when absent.
    private func table(named key: String) -> SectionReader? {
        guard let value = document[key] else {
            return SectionReader(table: TOMLTable(entries: [], position: SourcePosition(line: 0, column: 0)), name: key, diagnostics: diagnostics)
        }
        guard let table = value.tableValue else {
            diagnostics.error("\(key): expected a table ([\(key)]), found \(SectionReader.describe(value))", at: value.position)
            return nil
        }
        return SectionReader(table: table, name: key, diagnostics: diagnostics)
    }

    /// The tables of an array of tables (`[[feed]]`, or `feed = [{…}, …]`), named "feed[1]", "feed[2]", ….
    private func tables(named key: String) -> [SectionReader] {
        guard let value = document[key] else { return [] }
        guard let elements = value.arrayValue else {
            if value.tableValue != nil {
                diagnostics.error("\(key): write [[\(key)]] (an array of tables, one per \(key)), not [\(key)]", at: value.position)
            } else {
                diagnostics.error("\(key): expected [[\(key)]] tables, found \(SectionReader.describe(value))", at: value.position)
            }
            return []
        }
        var readers: [SectionReader] = []
        for (offset, element) in elements.enumerated() {
            guard let table = element.tableValue else {
                diagnostics.error("\(key)[\(offset + 1)]: expected a table, found \(SectionReader.describe(element))", at: element.position)
                continue
            }
            readers.append(SectionReader(table: table, name: "\(key)[\(offset + 1)]", diagnostics: diagnostics))
        }
        return readers
    }

    // MARK: [store]

    private func buildStore(_ section: SectionReader?) -> StoreSettings? {
        guard let section else { return nil }
        section.warnAboutUnknownKeys(known: Self.storeKeys, notUsedHere: Self.misplacedInTable)
        var settings = StoreSettings(path: nil, url: nil, retention: 30 * 86_400, position: section.table.position)
        if let retention = section.duration("retention") { settings.retention = retention }
        let pathValue = section.string("path")
        let urlValue = section.string("url")
        if section.has("path") && section.has("url") {
            section.error("url", "give either path (SQLite) or url (PostgreSQL), not both")
            return nil
        }
        if let (url, _) = urlValue {
            switch URLRules.postgresURL(url) {
            case .success(let checked): settings.url = checked
            case .failure(let problem): section.error("url", "\(problem)")
            }
        } else if let (path, _) = pathValue {
            settings.path = URLRules.resolvePath(path, relativeTo: directory)
        } else if !section.has("path") && !section.has("url") {
            settings.path = defaultDatabasePath()
        }
        return settings
    }

    /// `$STATE_DIRECTORY/tidings.db` under systemd (its first entry: StateDirectory= may list several), else
    /// `tidings.db` in the working directory, made absolute now so it cannot move with a later chdir.
    private func defaultDatabasePath() -> String {
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return URLRules.resolvePath(String(state) + "/tidings.db", relativeTo: workingDirectory)
        }
        return URLRules.resolvePath("tidings.db", relativeTo: workingDirectory)
    }

    // MARK: [http]

    private func buildHTTP(_ section: SectionReader?) -> HTTPSettings? {
        guard let section else { return nil }
        section.warnAboutUnknownKeys(known: Self.httpKeys + ["auth_token"], notUsedHere: Self.misplacedInTable)
        var settings = HTTPSettings()
        if section.has("auth_token") {
            section.error("auth_token", "the token must not be written in the configuration file (it is often readable by others and copied around); name an environment variable with auth_token_env, or a file with auth_token_file")
        }
        if let (text, _) = section.string("listen", allowEmpty: true) {
            if text.isEmpty {
                settings.listen = nil
            } else {
                switch ListenAddress.parse(text) {
                case .success(let address): settings.listen = address
                case .failure(let problem): section.error("listen", "\(problem)")
                }
            }
        }
        if section.has("auth_token_env") && section.has("auth_token_file") {
            section.error("auth_token_file", "give either auth_token_env or auth_token_file, not both")
        } else if let (name, _) = section.string("auth_token_env") {
            if !Self.isEnvironmentName(name) {
                section.error("auth_token_env", "\"\(name)\" is not an environment variable name")
            } else if let value = environment[name], !value.isEmpty {
                settings.authToken = value
            } else {
                section.error("auth_token_env", "environment variable \(name) is not set or empty (it must hold the bearer token)")
            }
        } else if let (file, _) = section.string("auth_token_file") {
            let resolved = resolveSecretFile(file)
            switch readFile(resolved) {
            case .failure(let failure): section.error("auth_token_file", "cannot read \(resolved): \(failure.reason)")
            case .success(var text):
                while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                if text.isEmpty { section.error("auth_token_file", "\(resolved) is empty") } else { settings.authToken = text }
            }
        }
        if let (text, _) = section.string("public_url") {
            // Where people reach the page (a reverse proxy, a host name): e-mails link event pages there.
            let lowered = text.lowercased()
            if (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")), URLComponents(string: text)?.host?.isEmpty == false {
                settings.publicURL = text
            } else {
                section.error("public_url", "\"\(text)\" is not an http:// or https:// URL")
            }
        }
        if let listen = settings.listen, !listen.isLoopback, settings.authToken == nil,
           !section.has("auth_token_env"), !section.has("auth_token_file") {
            section.error("listen", "\(listen) is not a loopback address: set auth_token_env or auth_token_file so every request must carry a bearer token")
        }
        return settings
    }

    // MARK: [poll]

    private func buildPoll(_ section: SectionReader?) -> PollSettings? {
        guard let section else { return nil }
        section.warnAboutUnknownKeys(known: Self.pollKeys)
        var poll = PollSettings()
        if let value = section.duration("interval") { poll.interval = value }
        if let value = section.duration("min_interval") { poll.minInterval = value }
        if let value = section.duration("max_interval") { poll.maxInterval = value }
        if let value = section.integer("concurrency", in: 1...100_000) { poll.concurrency = value }
        if let value = section.integer("per_host", in: 1...100_000) { poll.perHost = value }
        if let value = section.duration("timeout") { poll.timeout = value }
        if let value = section.duration("connect_timeout") { poll.connectTimeout = value }
        if let value = section.size("max_bytes", minimumBytes: 1024) { poll.maxBytes = value }
        if let (agent, value) = section.string("user_agent") {
            if agent.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                section.error("user_agent", "control characters (line breaks) are not allowed in an HTTP header", at: value.position)
            } else {
                poll.userAgent = agent
            }
        }
        if let (text, _) = section.string("first_fetch") {
            if let policy = PollSettings.FirstFetch(rawValue: text) {
                poll.firstFetch = policy
            } else {
                section.error("first_fetch", "expected \"alert\" or \"baseline\", found \"\(text)\"")
            }
        }

        func shown(_ key: String, _ seconds: TimeInterval) -> String {
            "\(section.label(key)) (\(DurationParser.format(Int(seconds)))\(section.has(key) ? "" : ", the default"))"
        }
        func blame(_ first: String, _ second: String) -> String { section.has(first) ? first : second }
        if poll.minInterval > poll.interval {
            let key = blame("min_interval", "interval")
            section.error(key, "\(shown("min_interval", poll.minInterval)) is longer than \(shown("interval", poll.interval))",
                          at: section.position(of: key))
        }
        if poll.interval > poll.maxInterval {
            let key = blame("interval", "max_interval")
            section.error(key, "\(shown("interval", poll.interval)) is longer than \(shown("max_interval", poll.maxInterval))",
                          at: section.position(of: key))
        }
        if poll.minInterval > poll.maxInterval && poll.minInterval <= poll.interval {
            section.error("max_interval", "\(shown("max_interval", poll.maxInterval)) is shorter than \(shown("min_interval", poll.minInterval))")
        }
        if poll.perHost > poll.concurrency {
            section.warning("per_host", "\(poll.perHost) is more than concurrency (\(poll.concurrency)); at most \(poll.concurrency) transfers run at once")
        }
        if poll.connectTimeout > poll.timeout {
            section.warning("connect_timeout", "longer than timeout (\(DurationParser.format(Int(poll.timeout)))), which ends the transfer first")
        }
        return poll
    }

    // MARK: [[feed]]

    private func buildFeeds(_ sections: [SectionReader], poll: PollSettings?) -> [FeedSettings] {
        var feeds: [FeedSettings] = []
        var seen: [String: (name: String, line: Int)] = [:]
        for section in sections {
            section.warnAboutUnknownKeys(known: Self.feedKeys, notUsedHere: Self.misplacedInTable)
            let name = section.string("name")?.text
            let interval = section.duration("interval")
            let fetchArticles = section.bool("fetch_articles") ?? false
            if let interval, let poll {
                if interval < poll.minInterval {
                    section.warning("interval", "\(DurationParser.format(Int(interval))) is shorter than poll.min_interval (\(DurationParser.format(Int(poll.minInterval)))); the feed is polled no faster than that")
                } else if interval > poll.maxInterval {
                    section.warning("interval", "\(DurationParser.format(Int(interval))) is longer than poll.max_interval (\(DurationParser.format(Int(poll.maxInterval)))); the feed is polled at least that often")
                }
            }
            guard let (text, _) = section.string("url", required: "the feed's http://, https:// or file: URL") else { continue }
            switch URLRules.feedURL(text, allowFile: true, relativeTo: directory) {
            case .failure(let problem):
                section.error("url", "invalid URL \"\(text)\": \(problem)")
            case .success(let url):
                if let earlier = seen[url] {
                    section.error("url", "\"\(text)\" is already listed by \(earlier.name) (line \(earlier.line))")
                    continue
                }
                seen[url] = (section.name, section.table.position.line)
                feeds.append(FeedSettings(url: url, name: name, interval: interval, fetchArticles: fetchArticles,
                                          line: section.table.position.line))
            }
        }
        return feeds
    }

    // MARK: [[topic]]

    private func buildTopics(_ sections: [SectionReader]) -> [TopicSettings] {
        var topics: [TopicSettings] = []
        var lines: [String: Int] = [:]
        for section in sections {
            section.warnAboutUnknownKeys(known: Self.topicKeys, notUsedHere: Self.misplacedInTable)
            let name = section.string("name", required: "a short unique name, used in alerts and sink filters")
            let query = section.string("query", required: "a boolean query such as '(India OR Indian) AND defence'")
            guard let (nameText, nameValue) = name else { continue }
            if nameText.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                section.error("name", "control characters are not allowed in a topic name")
                continue
            }
            if let line = lines[nameText] {
                section.error("name", "topic \"\(nameText)\" is already defined at line \(line)", at: nameValue.position)
                continue
            }
            lines[nameText] = section.table.position.line
            guard let (queryText, queryValue) = query else { continue }
            let topic = TopicSettings(name: nameText, query: queryText, line: section.table.position.line, queryValue: queryValue)
            if let problem = validateQuery?(queryText) {
                let position = topic.filePosition(ofQueryColumn: problem.column)
                diagnostics.error("\(section.label("query")): topic \"\(nameText)\": \(problem.message)", at: position)
                continue
            }
            topics.append(topic)
        }
        return topics
    }
}
