import Coverage
import Foundation
import Store
import Synchronization

/// `TopicJudge` over the coverage engine: each call restores the topic's open events from the store, judges the
/// articles in order, and returns the events to save. The engine's term statistics (IDF) are learnt across calls
/// in this process (they are not persisted; after a restart they start again from the engine's prior).
public final class CoverageJudge: TopicJudge {
    private let statistics = Mutex(TermStatistics())
    private let options: CoverageOptions

    public init(options: CoverageOptions = CoverageOptions()) { self.options = options }

    public func judge(topic: CompiledTopic, articles: [JudgeArticle], openEvents: [EventRecord], now: Date) throws
        -> (verdicts: [JudgeVerdict], events: [EventRecord]) {
        var engine = CoverageEngine(topics: [Topic(name: topic.name, query: topic.query)], options: options)
        engine.termStatistics = statistics.withLock { $0 }
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
        statistics.withLock { $0 = engine.termStatistics }

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
}
