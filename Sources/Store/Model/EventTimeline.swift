import Foundation

/// An event as lists and timelines show it: the summary columns, without the engine's state blob.
/// `updated` is when an article last joined the event (wall clock); `closedAt` when the event was closed.
public struct EventSummary: Sendable, Equatable {
    public var id: String
    public var topic: String
    public var title: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var updated: Date
    public var articleCount: Int
    public var closed: Bool
    public var closedAt: Date?
}

/// An article as lists show it (an event's timeline, a query preview): what it is, where and when it appeared.
public struct ArticleListing: Sendable, Equatable {
    public var title: String
    public var url: String?
    /// The feed's configured URL, and its configured name if any.
    public var feed: String
    public var feedName: String?
    public var published: Date?
    /// When the article was first seen (stored).
    public var seen: Date

    public init(title: String, url: String?, feed: String, feedName: String?, published: Date?, seen: Date) {
        self.title = title; self.url = url; self.feed = feed; self.feedName = feedName; self.published = published
        self.seen = seen
    }
}

/// One article of an event's timeline, copied when it joined the event so the timeline outlives item pruning.
/// The listing's fields read through (`record.title` is `record.article.title`).
public struct EventArticleRecord: Sendable, Equatable, ReadThrough {
    public var eventID: String
    /// 1, 2, … in arrival (judging) order; assigned by the store.
    public var sequence: Int
    public var itemID: Int64
    public var article: ArticleListing
    /// `new_event`, `new_facts` or `no_new_facts`.
    public var verdict: String
    public var newFacts: [String]

    public init(eventID: String, sequence: Int = 0, itemID: Int64, article: ArticleListing, verdict: String,
                newFacts: [String]) {
        self.eventID = eventID; self.sequence = sequence; self.itemID = itemID; self.article = article
        self.verdict = verdict; self.newFacts = newFacts
    }

    public static var held: WritableKeyPath<EventArticleRecord, ArticleListing> { \.article }
}

/// Which events `StoreReader.events` lists: newest activity (`updated`) first.
public struct EventQuery: Sendable, Equatable {
    public var topic: String?
    /// Only events with activity at or after this time.
    public var since: Date?
    public var limit: Int

    public init(topic: String? = nil, since: Date? = nil, limit: Int = 100) {
        self.topic = topic; self.since = since; self.limit = limit
    }
}

/// What the web page and `/metrics` show of the whole store: feed states, event counts, alerts per sink.
public struct StoreSummary: Sendable, Equatable {
    /// Active feeds per state.
    public var feedStates: [FeedState: Int]
    public var openEvents: Int64
    public var closedEvents: Int64
    public var alertsBySink: [SinkAlertCounts]
}
