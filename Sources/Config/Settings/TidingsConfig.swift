import Foundation

/// A validated tidings configuration: every relative path already resolved against the configuration file's
/// folder, every default filled in, every secret read. Equatable so a reload can tell what changed.
public struct TidingsConfig: Sendable, Equatable {
    /// The configuration file as it was named (used in messages).
    public var sourcePath: String
    /// The absolute folder relative paths and `file:` URLs in the file were resolved against.
    public var directory: String
    /// The configuration file's absolute path (for `status` and logs).
    public var absolutePath: String
    public var store: StoreSettings
    public var poll: PollSettings
    /// Absolute path of an OPML file listing more feeds (read by the daemon, not here).
    public var opml: String?
    /// Where `opml` is written, for messages about the OPML file.
    public var opmlPosition: SourcePosition?
    public var feeds: [FeedSettings]
    public var topics: [TopicSettings]
    public var alerts: [SinkSettings]
    public var http = HTTPSettings()
    public var coverage = CoverageSettings()

    public init(sourcePath: String, directory: String, absolutePath: String? = nil, store: StoreSettings, poll: PollSettings = PollSettings(),
                opml: String? = nil, opmlPosition: SourcePosition? = nil, feeds: [FeedSettings] = [],
                topics: [TopicSettings] = [], alerts: [SinkSettings] = []) {
        self.sourcePath = sourcePath
        self.directory = directory
        self.absolutePath = absolutePath ?? URLRules.resolvePath(sourcePath, relativeTo: directory)
        self.store = store
        self.poll = poll
        self.opml = opml
        self.opmlPosition = opmlPosition
        self.feeds = feeds
        self.topics = topics
        self.alerts = alerts
    }

    /// A diagnostic for a problem the caller found inside a topic's query (the query language lives in
    /// Coverage): `column` is the 1-based character column within the query text; the diagnostic points at
    /// the matching place in the file, across escapes and multi-line strings.
    public func diagnostic(for topic: TopicSettings, queryColumn column: Int, message: String,
                           severity: ConfigDiagnostic.Severity = .error) -> ConfigDiagnostic {
        let position = topic.filePosition(ofQueryColumn: column)
        return ConfigDiagnostic(file: sourcePath, line: position.line, column: position.column,
                                message: "topic \"\(topic.name)\": query: \(message)", severity: severity)
    }

    /// One line for `check-config` and logs: "3 feeds (+ OPML …), 1 topic, 2 sinks, store sqlite:/…".
    public var summary: String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        var feedsPart = count(feeds.count, "feed")
        if let opml { feedsPart += " (+ OPML \(opml))" }
        return "\(feedsPart), \(count(topics.count, "topic")), \(count(alerts.count, "sink")), store \(store.displayName)"
    }
}

public struct StoreSettings: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    /// Absolute SQLite database path; nil when `url` is set.
    public var path: String?
    /// PostgreSQL connection URL (`postgresql://` or `postgres://`); nil for SQLite.
    public var url: String?
    /// Items first seen longer ago than this are pruned (seconds). Default 30 days.
    public var retention: TimeInterval
    /// Where `[store]` is (line 0 when the file has none).
    public var position: SourcePosition

    public var backend: Backend {
        if let url { return .postgres(url: url) }
        return .sqlite(path: path ?? "tidings.db")
    }

    /// `sqlite:/var/lib/tidings/tidings.db` or the PostgreSQL URL without its password, as `status` shows it.
    public var displayName: String {
        switch backend {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): URLRules.redactingPassword(url)
        }
    }
}

public struct PollSettings: Sendable, Equatable {
    public enum FirstFetch: String, Sendable, Equatable {
        /// Judge a new feed's first items like any others.
        case alert
        /// Learn a new feed's first items (their facts) without alerting on them.
        case baseline
    }

    public var interval: TimeInterval = 15 * 60
    public var minInterval: TimeInterval = 5 * 60
    public var maxInterval: TimeInterval = 6 * 3600
    public var concurrency: Int = 64
    public var perHost: Int = 4
    public var timeout: TimeInterval = 30
    public var connectTimeout: TimeInterval = 10
    public var maxBytes: Int = 10 << 20
    /// nil: the fetcher's own `tidings/VERSION (+URL)`.
    public var userAgent: String?
    public var firstFetch: FirstFetch = .alert

    public init() {}
}

public struct FeedSettings: Sendable, Equatable {
    /// http, https or file URL; a relative `file:` URL is already made absolute (`file:///…`).
    public var url: String
    public var name: String?
    /// This feed's own interval, overriding `[poll] interval` (still bounded by min/max_interval).
    public var interval: TimeInterval?
    /// Fetch and extract the page of each on-topic story.
    public var fetchArticles = false
    /// Line of this feed's `[[feed]]` header.
    public var line = 0
}

public struct TopicSettings: Sendable, Equatable {
    public var name: String
    public var query: String
    /// Line of this topic's `[[topic]]` header.
    public var line: Int
    /// Line and column of the query's first character in the file.
    public var queryLine: Int
    public var queryColumn: Int
    /// Where each Unicode scalar of `query` is in the file (nil when the value carries no map).
    var querySourceMap: TOMLStringSourceMap?

    init(name: String, query: String, line: Int, queryValue: TOMLValue) {
        self.name = name
        self.query = query
        self.line = line
        let first = queryValue.sourceMap?.position(ofScalarOffset: 0)
            ?? SourcePosition(line: queryValue.position.line, column: queryValue.position.column + 1)
        self.queryLine = first.line
        self.queryColumn = first.column
        self.querySourceMap = queryValue.sourceMap
    }

    /// The file position of the query's `column`-th character (1-based, counting Characters as Swift does).
    /// Past the end, the position just after the last character.
    public func filePosition(ofQueryColumn column: Int) -> SourcePosition {
        var scalarOffset = 0
        var remaining = max(column, 1) - 1
        for character in query {
            guard remaining > 0 else { break }
            scalarOffset += character.unicodeScalars.count
            remaining -= 1
        }
        if let map = querySourceMap {
            if let position = map.position(ofScalarOffset: scalarOffset) { return position }
            if let last = map.position(ofScalarOffset: map.scalarCount - 1) {
                return SourcePosition(line: last.line, column: last.column + 1 + remaining)
            }
        }
        // Without a source map: assume one line from queryColumn.
        return SourcePosition(line: queryLine, column: queryColumn + scalarOffset + remaining)
    }
}

public struct SinkSettings: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// JSON-lines file, absolute path.
        case log(path: String)
        case webhook(WebhookSettings)
        case email(EmailSettings)
    }

    /// Unique among sinks: the explicit `name`, else "log" ("log-2", …) or "webhook-1" ("webhook-2", …) by
    /// order of appearance. Delivery state is kept per sink name.
    public var name: String
    public var kind: Kind
    /// Only alerts of these topics go to this sink; nil means all topics.
    public var topics: [String]?
    /// Line of this sink's `[[alert]]` header.
    public var line = 0

    public var typeName: String {
        switch kind {
        case .log: "log"
        case .webhook: "webhook"
        case .email: "email"
        }
    }

    public func accepts(topic: String) -> Bool { topics?.contains(topic) ?? true }

    /// Whether each alert is owed to this sink through the outbox (every sink but a digest e-mail sink, which is
    /// owed one message per period instead).
    public var receivesEachAlert: Bool {
        if case .email(let email) = kind, email.mode == .digest { return false }
        return true
    }
}

public struct WebhookSettings: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        /// The alert JSON itself.
        case json
        /// `{"text": …}`, Slack/Mattermost-compatible.
        case slack
    }

    public var url: String
    public var format = Format.json
    /// The environment variable the secret was read from, if any.
    public var secretEnv: String?
    /// The absolute path the secret was read from, if any.
    public var secretFile: String?
    /// The signing secret, read when the configuration was loaded; nil: requests are not signed.
    public var secret: WebhookSecret?
    /// After this long without success an alert is marked failed for this sink (seconds). Default 24 h.
    public var giveUpAfter: TimeInterval = 24 * 3600
}

/// An HMAC signing secret. Its description never shows the value, so logging a configuration cannot leak it.
public struct WebhookSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var utf8Bytes: [UInt8] { Array(value.utf8) }
    public var description: String { "<secret, \(value.utf8.count) bytes>" }
    public var debugDescription: String { description }
}

/// `[coverage]`: how the daemon judges what it fetched.
public struct CoverageSettings: Sendable, Equatable {
    /// On-topic items are held this long after they arrive, then judged together with everything else held, in
    /// order of publication, so the original of a story is the new event whichever feed was polled first.
    /// 0 judges every cycle's items at once.
    public var settle: TimeInterval = 60

    public init(settle: TimeInterval = 60) { self.settle = settle }
}
