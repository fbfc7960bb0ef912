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

/// What fetches have taught the store about a feed: the part of its row that one fetch writes.
public struct FeedFetchState: Sendable, Equatable {
    public var state: FeedState
    public var etag: String?
    public var lastModified: String?
    public var nextDue: Date?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastFetch: Date?
    public var lastSuccess: Date?
    public var retired: Bool
    /// The scheduler's state (JSON of `FeedScheduleState`), nil until the first fetch under schema v2.
    public var scheduleState: String?

    public init(state: FeedState, etag: String? = nil, lastModified: String? = nil, nextDue: Date? = nil,
                consecutiveFailures: Int = 0, lastError: String? = nil, lastFetch: Date? = nil,
                lastSuccess: Date? = nil, retired: Bool = false, scheduleState: String? = nil) {
        self.state = state
        self.etag = etag
        self.lastModified = lastModified
        self.nextDue = nextDue
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastFetch = lastFetch
        self.lastSuccess = lastSuccess
        self.retired = retired
        self.scheduleState = scheduleState
    }
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
