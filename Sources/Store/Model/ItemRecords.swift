import Foundation

/// An item as a fetch produced it. `canonicalURL` and `fingerprint` are its dedup keys, computed once by
/// `NewItem.withDedupKeys` (the poll cycle does so as it parses); the store stores them as given.
public struct NewItem: Sendable, Equatable {
    /// The feed's own id for the entry (guid/id, else link, else a hash): dedup key within one feed.
    public var entryID: String
    public var title: String
    public var link: String?
    public var canonicalURL: String?
    public var published: Date?
    public var firstSeen: Date
    public var summary: String?
    public var content: String?
    public var fingerprint: String?

    public init(entryID: String, title: String, link: String? = nil, canonicalURL: String? = nil,
                published: Date? = nil, firstSeen: Date, summary: String? = nil, content: String? = nil,
                fingerprint: String? = nil) {
        self.entryID = entryID
        self.title = title
        self.link = link
        self.canonicalURL = canonicalURL
        self.published = published
        self.firstSeen = firstSeen
        self.summary = summary
        self.content = content
        self.fingerprint = fingerprint
    }
}

/// What happened to one item handed to `insertItems`, in input order. Only `.new` items are to be judged.
public enum ItemInsertOutcome: Sendable, Equatable {
    /// Stored, and seen nowhere before: judge it.
    case new
    /// This feed already had an entry with this id: nothing stored.
    case knownEntry
    /// Stored for this feed, but another item already has the same canonical URL.
    case duplicateURL(of: Int64)
    /// Stored for this feed, but another item already has the same content fingerprint.
    case duplicateContent(of: Int64)
}

public struct ItemInsertion: Sendable, Equatable {
    /// The item's row id (the existing row for `.knownEntry`).
    public var itemID: Int64
    public var outcome: ItemInsertOutcome
    public var isNew: Bool { outcome == .new }
}

/// A stored item: the `NewItem` as it was stored, and what the store knows of it. Its fields read through
/// (`record.title` is `record.item.title`).
public struct ItemRecord: Sendable, Equatable, ReadThrough {
    public var id: Int64
    public var feedID: Int64
    public var item: NewItem
    /// The item this one repeats (same canonical URL or content), when it is a duplicate.
    public var duplicateOf: Int64?
    public static var held: WritableKeyPath<ItemRecord, NewItem> { \.item }
}

/// An item matched a topic; `eventID`/`verdict` say what the coverage engine made of it.
public struct TopicMatch: Sendable, Equatable {
    public var itemID: Int64
    public var topic: String
    public var eventID: String?
    public var verdict: String?

    public init(itemID: Int64, topic: String, eventID: String? = nil, verdict: String? = nil) {
        self.itemID = itemID
        self.topic = topic
        self.eventID = eventID
        self.verdict = verdict
    }
}
