/// What a reload changes, by identity: feeds by URL, topics and sinks by name. Moving an entry to another line
/// is not a change. The store cannot change under a running daemon; `storeChanged` lets it say so.
public struct ConfigChanges: Sendable, Equatable {
    public var addedFeeds: [FeedSettings] = []
    public var removedFeeds: [FeedSettings] = []
    /// The new settings of feeds whose name, interval or article fetching changed.
    public var changedFeeds: [FeedSettings] = []
    public var addedTopics: [TopicSettings] = []
    public var removedTopics: [TopicSettings] = []
    /// The new settings of topics whose query changed.
    public var changedTopics: [TopicSettings] = []
    public var addedSinks: [SinkSettings] = []
    public var removedSinks: [SinkSettings] = []
    /// The new settings of sinks whose type, target, filter, format, secret or give-up time changed.
    public var changedSinks: [SinkSettings] = []
    public var pollChanged = false
    /// `[coverage]` (the settle window) changed: applies from the next cycle.
    public var coverageChanged = false
    public var opmlChanged = false
    /// `[store]` path, URL or retention changed: the daemon keeps its store until restarted.
    public var storeChanged = false

    public var isEmpty: Bool { self == ConfigChanges() }

    public init() {}

    /// Changes from `old` to `new`.
    public init(from old: TidingsConfig, to new: TidingsConfig) {
        func diff<Entry>(_ before: [Entry], _ after: [Entry], identity: (Entry) -> String, same: (Entry, Entry) -> Bool)
            -> (added: [Entry], removed: [Entry], changed: [Entry]) {
            let oldByIdentity = Dictionary(before.map { (identity($0), $0) }, uniquingKeysWith: { first, _ in first })
            let newIdentities = Set(after.map(identity))
            var added: [Entry] = [], changed: [Entry] = []
            for entry in after {
                if let previous = oldByIdentity[identity(entry)] {
                    if !same(previous, entry) { changed.append(entry) }
                } else {
                    added.append(entry)
                }
            }
            return (added, before.filter { !newIdentities.contains(identity($0)) }, changed)
        }
        (addedFeeds, removedFeeds, changedFeeds) = diff(old.feeds, new.feeds, identity: \.url) {
            $0.name == $1.name && $0.interval == $1.interval && $0.fetchArticles == $1.fetchArticles
        }
        (addedTopics, removedTopics, changedTopics) = diff(old.topics, new.topics, identity: \.name) { $0.query == $1.query }
        (addedSinks, removedSinks, changedSinks) = diff(old.alerts, new.alerts, identity: \.name) {
            $0.kind == $1.kind && $0.topics == $1.topics
        }
        pollChanged = old.poll != new.poll
        coverageChanged = old.coverage != new.coverage
        opmlChanged = old.opml != new.opml
        storeChanged = old.store.path != new.store.path || old.store.url != new.store.url
            || old.store.retention != new.store.retention
    }
}
