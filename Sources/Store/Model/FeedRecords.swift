import Foundation

/// A feed as the configuration lists it. `url` is the identity used by `syncFeeds`, even after a permanent
/// redirect has moved the URL the fetcher uses.
public struct FeedSpec: Sendable, Hashable {
    public var url: String
    public var name: String?

    public init(url: String, name: String? = nil) {
        self.url = url
        self.name = name
    }
}

/// How the last fetch of a feed went, as `tidings status` reports it.
public enum FeedState: String, Sendable, CaseIterable, Codable {
    case new
    case ok
    case notModified = "not_modified"
    case failing
    case backingOff = "backing_off"
    case retired
}

/// What fetches have taught the store about a feed: the part of its row that one fetch writes. The defaults
/// are a new feed's, before any fetch.
public struct FeedFetchState: Sendable, Equatable {
    public var state: FeedState = .new
    public var etag: String?
    public var lastModified: String?
    public var nextDue: Date?
    public var consecutiveFailures = 0
    public var lastError: String?
    public var lastFetch: Date?
    public var lastSuccess: Date?
    public var retired = false
    /// The scheduler's state (JSON of `FeedScheduleState`), nil until the first fetch under schema v2.
    public var scheduleState: String?

    /// A new feed's state. The fetch cycle starts from the stored one (`FeedFetchUpdate(from:)`); this is for
    /// writing a state from scratch (the store benchmarks), each field then set by name.
    public static let newFeed = FeedFetchState()
}

/// A feed's row: identity, fetch state and lease. The fetch state's fields read through (`feed.etag` is
/// `feed.fetch.etag`).
public struct FeedRecord: Sendable, Equatable, ReadThrough {
    public var id: Int64
    /// The URL as configured (identity for `syncFeeds`).
    public var configuredURL: String
    /// The URL to fetch: the configured one, or where a confirmed permanent redirect pointed.
    public var url: String
    public var name: String?
    /// False once the feed left the configuration; its history is kept.
    public var active: Bool
    public var fetch: FeedFetchState
    /// Items currently stored for this feed (kept as a counter so totals never scan the items table).
    public var itemCount: Int64
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public static var held: WritableKeyPath<FeedRecord, FeedFetchState> { \.fetch }
}

/// What one fetch of a feed changes in its row. Every field is written as given (nil clears), so callers
/// start from the feed's record (`FeedFetchUpdate(from:)`) and change what the fetch learnt; the fetch state's
/// fields read and write through (`update.etag`).
public struct FeedFetchUpdate: Sendable, Equatable, ReadThrough {
    public var fetch: FeedFetchState
    /// A confirmed permanent redirect (301/308): the URL to fetch from now on.
    public var permanentURL: String?

    public init(_ fetch: FeedFetchState, permanentURL: String? = nil) {
        self.fetch = fetch
        self.permanentURL = permanentURL
    }

    /// Starts from what the store knows, so a caller only sets what changed.
    public init(from feed: FeedRecord) { self.init(feed.fetch) }

    public static var held: WritableKeyPath<FeedFetchUpdate, FeedFetchState> { \.fetch }
}
