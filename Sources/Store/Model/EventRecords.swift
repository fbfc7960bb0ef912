import Foundation

/// An event of one topic. `state` is the coverage engine's own serialisation (opaque to the store); the
/// other fields are kept as columns so status and retention never decode it.
public struct EventRecord: Sendable, Equatable {
    public var id: String
    public var topic: String
    public var title: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var articleCount: Int
    public var closed: Bool
    public var state: Data

    public init(id: String, topic: String, title: String, firstSeen: Date, lastSeen: Date, articleCount: Int,
                closed: Bool = false, state: Data = Data()) {
        self.id = id
        self.topic = topic
        self.title = title
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.articleCount = articleCount
        self.closed = closed
        self.state = state
    }
}

/// A fact an event already knows: one sentence and the engine's fingerprint of it (unique per event).
public struct FactRecord: Sendable, Equatable, Hashable {
    public var eventID: String
    public var sentence: String
    public var fingerprint: String
}

/// An on-topic item stored and waiting for the settle window to end before it is judged (`[coverage] settle`).
public struct SettlingItem: Sendable, Equatable {
    public var itemID: Int64
    public var feedID: Int64
    /// The item's position in its feed when it arrived (the contract's last tie-break).
    public var position: Int
    public var topics: Set<String>
    /// Learnt without alerting (a new feed's first items under `first_fetch = "baseline"`).
    public var baseline: Bool
    public var arrived: Date

    public init(itemID: Int64, feedID: Int64, position: Int, topics: Set<String>, baseline: Bool, arrived: Date) {
        self.itemID = itemID
        self.feedID = feedID
        self.position = position
        self.topics = topics
        self.baseline = baseline
        self.arrived = arrived
    }
}
