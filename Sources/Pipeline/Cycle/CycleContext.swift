import Coverage
import Feeds
import Foundation
import Store

/// The configured feeds by URL, built once per cycle (not per chunk): position in the configuration (the
/// contract's feed order) and the feed's own settings.
final class FeedCatalog: Sendable {
    let config: RuntimeConfig
    private let indexByURL: [String: Int]

    init(config: RuntimeConfig) {
        self.config = config
        indexByURL = Dictionary(config.feeds.enumerated().map { ($1.url, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func index(of configuredURL: String) -> Int? { indexByURL[configuredURL] }
}

/// What every stage of one chunk reads: the configuration, the feed catalog and the chunk's leased feeds.
struct CycleContext: Sendable {
    let config: RuntimeConfig
    let catalog: FeedCatalog
    let feedsByID: [Int64: FeedRecord]

    init(config: RuntimeConfig, catalog: FeedCatalog, leased: [FeedRecord]) {
        self.config = config
        self.catalog = catalog
        feedsByID = Dictionary(leased.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func runtimeFeed(for feed: FeedRecord) -> RuntimeFeed? { catalog.index(of: feed.configuredURL).map { config.feeds[$0] } }
    func feedOrder(_ feed: FeedRecord) -> Int { catalog.index(of: feed.configuredURL) ?? Int.max }

    func policy(for feed: FeedRecord) -> SchedulePolicy {
        let poll = config.config.poll
        return SchedulePolicy(interval: runtimeFeed(for: feed)?.interval ?? poll.interval, minInterval: poll.minInterval,
                              maxInterval: poll.maxInterval)
    }

    /// Topics whose query matches the item's title and feed text (before any page is fetched: cost follows interest).
    func matchingTopics(of item: NewItem) -> Set<String> {
        guard !config.topics.isEmpty else { return [] }
        let text = MatchableText(title: item.title, text: item.judgeableText, vocabulary: config.vocabulary)
        // Most items match nothing: no array or set is built for them.
        var names: Set<String> = []
        for topic in config.topics where topic.query.matches(text) { names.insert(topic.name) }
        return names
    }
}

extension NewItem {
    /// The entry's plain texts, not its markup: nothing in tidings reads an item's HTML back (pages, feeds, alerts
    /// and the coverage engine all work from the text), and keeping it was nearly half of each stored row, the
    /// largest share of what a cold poll cycle writes (docs/fetching-log.md, "Session 13").
    init(entry: FeedEntry, firstSeen: Date) {
        self.init(entryID: entry.stableID, title: entry.title ?? "", link: entry.link, published: entry.published ?? entry.updated,
                  firstSeen: firstSeen, summary: entry.summary, content: entry.content)
    }

    /// The longest text the feed carries for the item (content, else summary).
    var judgeableText: String {
        let content = self.content ?? "", summary = self.summary ?? ""
        // UTF-8 length, not Characters: O(1) on native strings, and this runs for every item of every feed.
        return content.utf8.count >= summary.utf8.count ? content : summary
    }
}
