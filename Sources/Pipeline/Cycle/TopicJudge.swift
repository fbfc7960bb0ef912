import Foundation
import Store

/// One new on-topic article, as the coverage engine sees it.
public struct JudgeArticle: Sendable {
    public var itemID: Int64
    /// Stable identity (canonical URL, else link, else feed + guid): also the alert id's input.
    public var key: String
    public var title: String
    /// Summary or content, or the extracted article text when the page was fetched.
    public var text: String
    public var url: String?
    public var feedURL: String
    public var published: Date?
    public var firstSeen: Date
}

/// What the engine made of one article for one topic.
public struct JudgeVerdict: Sendable, Equatable {
    /// `new_event`, `new_facts`, `no_new_facts` or `off_topic`.
    public var verdict: String
    public var eventID: String?
    public var eventTitle: String?
    public var eventFirstSeen: Date?
    public var eventArticleCount: Int
    public var newFacts: [String]

    public init(verdict: String, eventID: String?, eventTitle: String?, eventFirstSeen: Date?, eventArticleCount: Int,
                newFacts: [String]) {
        self.verdict = verdict; self.eventID = eventID; self.eventTitle = eventTitle
        self.eventFirstSeen = eventFirstSeen; self.eventArticleCount = eventArticleCount; self.newFacts = newFacts
    }

    public var alertVerdict: AlertVerdict? { AlertVerdict(rawValue: verdict) }
}

/// Judges one topic's new articles, in the order given, against that topic's stored events, and hands back the
/// events as they stand afterwards (to be saved in the same transaction). Everything that shapes a verdict is
/// read from and written to the store through `transaction` (the topic is locked), so a restart, a reload or
/// another daemon sharing the store changes no verdict; anything held in memory is only a cache of the store.
public protocol TopicJudge: Sendable {
    func judge(topic: CompiledTopic, articles: [JudgeArticle], openEvents: [EventRecord],
               transaction: StoreTransaction, now: Date) throws -> (verdicts: [JudgeVerdict], events: [EventRecord])
}
