import Coverage
import Foundation
import Store
import Synchronization

/// `TopicJudge` over the coverage engine: each call restores the topic's open events and term statistics (IDF)
/// from the store, judges the articles in order, writes the statistics back when they changed and returns the
/// events to save, all in the caller's transaction. Statistics are kept per topic (learnt from that topic's
/// articles), matching the per-topic lock that serialises judging across daemons.
public final class CoverageJudge: TopicJudge {
    /// The statistics this process last read or wrote, by topic, with the store's version token for them: reused
    /// only while the stored token is still the same (no other daemon wrote, no rolled-back transaction), so
    /// reading the payload (up to 2.4 MB) is paid after a restart or another daemon's write, not every cycle.
    private struct Cached: Sendable {
        var version: Int64
        var statistics: TermStatistics
    }
    private let cache = Mutex([String: Cached]())
    private let options: CoverageOptions

    public init(options: CoverageOptions = CoverageOptions()) { self.options = options }

    public func judge(topic: CompiledTopic, articles: [JudgeArticle], openEvents: [EventRecord],
                      transaction: StoreTransaction, now: Date) throws
        -> (verdicts: [JudgeVerdict], events: [EventRecord]) {
        var engine = CoverageEngine(topics: [Topic(name: topic.name, query: topic.query)], options: options)
        let storedVersion = try transaction.termStatisticsVersion(topic: topic.name)
        // Handed straight to the engine so it holds the only reference (no copy of the table on its first add).
        engine.termStatistics = try restoredStatistics(topic: topic.name, storedVersion: storedVersion,
                                                       transaction: transaction)
        let revisionBefore = engine.termStatistics.revision
        let decoder = JSONDecoder()
        let states = openEvents.compactMap { try? decoder.decode(EventState.self, from: $0.state) }
        engine.load(states, topic: topic.name)

        var verdicts: [JudgeVerdict] = []
        for article in articles {
            let decision = engine.judge(Article(id: article.key, feed: article.feedURL, url: article.url ?? article.key,
                                                published: article.published ?? article.firstSeen,
                                                title: article.title, text: article.text))
            if let verdict = decision.verdicts.first(where: { $0.topic == topic.name }) {
                verdicts.append(JudgeVerdict(verdict: verdict.verdict.rawValue, eventID: verdict.eventID,
                                             eventTitle: verdict.eventTitle, eventFirstSeen: verdict.eventFirstSeen,
                                             eventArticleCount: verdict.eventArticleCount, newFacts: verdict.newFacts))
            } else {
                verdicts.append(JudgeVerdict(verdict: "off_topic", eventID: nil, eventTitle: nil, eventFirstSeen: nil,
                                             eventArticleCount: 0, newFacts: []))
            }
        }
        let learnt = engine.termStatistics
        if learnt.revision != revisionBefore {
            let version = Int64.random(in: Int64.min...Int64.max)
            try transaction.saveTermStatistics(topic: topic.name, version: version, payload: learnt.encoded())
            cache.withLock { $0[topic.name] = Cached(version: version, statistics: learnt) }
        } else if let storedVersion {
            cache.withLock { $0[topic.name] = Cached(version: storedVersion, statistics: learnt) }
        }

        let encoder = JSONEncoder()
        let remembered = engine.eventStates(topic: topic.name)
        var events = try remembered.map { state in
            EventRecord(id: state.id, topic: topic.name, title: state.title, firstSeen: state.firstSeen,
                        lastSeen: state.lastSeen, articleCount: state.articleCount, closed: false,
                        state: try encoder.encode(state))
        }
        // Events the engine let go of (past its window) are closed in the store, not forgotten.
        let kept = Set(remembered.map(\.id))
        for var event in openEvents where !kept.contains(event.id) {
            event.closed = true
            events.append(event)
        }
        return (verdicts, events)
    }

    private func restoredStatistics(topic: String, storedVersion: Int64?, transaction: StoreTransaction) throws
        -> TermStatistics {
        // Taken out of the cache: put back (with its new version) only after judging.
        let cached = cache.withLock { $0.removeValue(forKey: topic) }
        if let storedVersion, let cached, cached.version == storedVersion { return cached.statistics }
        if storedVersion != nil, let payload = try transaction.termStatistics(topic: topic),
           let decoded = TermStatistics(encoded: payload) {
            return decoded
        }
        // None stored yet (or unreadable: started again from the prior, and overwritten after judging).
        return TermStatistics()
    }
}
