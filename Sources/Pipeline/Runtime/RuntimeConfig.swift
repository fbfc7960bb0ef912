import Config
import Coverage
import Foundation

/// A topic ready to match: its name and parsed query.
public struct CompiledTopic: Sendable {
    public let name: String
    public let query: TopicQuery
}

/// A configuration checked as a whole, including what the pure Config target cannot check itself (topic queries,
/// which belong to Coverage, and the OPML file, which is I/O). Either everything is valid or nothing is used:
/// a reload with any error keeps the running configuration.
public struct RuntimeConfig: Sendable {
    public let config: TidingsConfig
    public let topics: [CompiledTopic]
    /// Every word the topics' queries ask about, so an item keeps only those tokens for matching.
    public let vocabulary: MatchVocabulary
    /// `[[feed]]` entries first, then OPML outlines not already listed, in file order.
    public let feeds: [RuntimeFeed]
    public let warnings: [ConfigDiagnostic]

    public var path: String { config.sourcePath }

    /// Reads the OPML file at a path into feeds, or says why it cannot.
    public typealias ReadOPML = (String) -> Result<[RuntimeFeed], OPMLProblem>

    /// Checks a loaded configuration as a whole: its topic queries and its OPML file, read with `readOPML`.
    /// Reading files is the edge's (`RuntimeConfig.load` and `OPMLFeeds` in DaemonRuntime).
    public static func checking(_ loaded: ConfigLoader.Loaded, readOPML: ReadOPML) throws(ConfigError) -> RuntimeConfig {
        let (config, warnings) = loaded
        var diagnostics: [ConfigDiagnostic] = []
        var topics: [CompiledTopic] = []
        for topic in config.topics {
            do {
                topics.append(CompiledTopic(name: topic.name, query: try TopicQuery.parse(topic.query)))
            } catch {
                diagnostics.append(config.diagnostic(for: topic, queryColumn: error.position, message: error.message))
            }
        }
        var feeds = config.feeds.map {
            RuntimeFeed(url: $0.url, name: $0.name, interval: $0.interval, fetchArticles: $0.fetchArticles)
        }
        if let opml = config.opml {
            switch readOPML(opml) {
            case .success(let outlines):
                let known = Set(feeds.map(\.url))
                feeds += outlines.filter { !known.contains($0.url) }
            case .failure(let problem):
                let position = config.opmlPosition
                diagnostics.append(ConfigDiagnostic(file: config.sourcePath, line: position?.line ?? 0,
                                                    column: position?.column ?? 0, message: "opml \(opml): \(problem)"))
            }
        }
        if !diagnostics.isEmpty { throw ConfigError(diagnostics: warnings + diagnostics) }
        return RuntimeConfig(config: config, topics: topics, vocabulary: MatchVocabulary(queries: topics.map(\.query)), feeds: feeds,
                             warnings: warnings)
    }

    /// The feed as configured, by its configured URL (the store's identity for it).
    public func feed(configuredURL: String) -> RuntimeFeed? { feedsByURL[configuredURL] }

    private var feedsByURL: [String: RuntimeFeed] {
        Dictionary(feeds.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// One line for logs and STATUS=: "4 feeds, 1 topic, 2 sinks, store sqlite:/…".
    public var summary: String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        return "\(count(feeds.count, "feed")), \(count(topics.count, "topic")), \(count(config.alerts.count, "sink")), store \(config.store.displayName)"
    }
}

/// A feed the daemon polls: a `[[feed]]` entry or an OPML outline.
public struct RuntimeFeed: Sendable, Hashable {
    public var url: String
    public var name: String?
    /// Overrides `[poll] interval` for this feed.
    public var interval: TimeInterval?
    public var fetchArticles: Bool

    public init(url: String, name: String? = nil, interval: TimeInterval? = nil, fetchArticles: Bool = false) {
        self.url = url; self.name = name; self.interval = interval; self.fetchArticles = fetchArticles
    }
}

/// Why an OPML file gave no feeds (unreadable, not OPML), for the configuration diagnostic.
public struct OPMLProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
