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

    public init(id: String, topic: String, title: String, firstSeen: Date, lastSeen: Date, updated: Date,
                articleCount: Int, closed: Bool, closedAt: Date?) {
        self.id = id; self.topic = topic; self.title = title; self.firstSeen = firstSeen; self.lastSeen = lastSeen
        self.updated = updated; self.articleCount = articleCount; self.closed = closed; self.closedAt = closedAt
    }
}

/// One article of an event's timeline, copied when it joined the event so the timeline outlives item pruning.
public struct EventArticleRecord: Sendable, Equatable {
    public var eventID: String
    /// 1, 2, … in arrival (judging) order; assigned by the store.
    public var sequence: Int
    public var itemID: Int64
    public var title: String
    public var url: String?
    /// The feed's configured URL, and its configured name if any.
    public var feed: String
    public var feedName: String?
    public var published: Date?
    /// When the article was first seen (stored).
    public var seen: Date
    /// `new_event`, `new_facts` or `no_new_facts`.
    public var verdict: String
    public var newFacts: [String]

    public init(eventID: String, sequence: Int = 0, itemID: Int64, title: String, url: String?, feed: String,
                feedName: String?, published: Date?, seen: Date, verdict: String, newFacts: [String]) {
        self.eventID = eventID; self.sequence = sequence; self.itemID = itemID; self.title = title; self.url = url
        self.feed = feed; self.feedName = feedName; self.published = published; self.seen = seen
        self.verdict = verdict; self.newFacts = newFacts
    }
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
