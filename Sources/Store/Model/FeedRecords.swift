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

/// A feed's row: identity, fetch state and lease.
public struct FeedRecord: Sendable, Equatable {
    public var id: Int64
    /// The URL as configured (identity for `syncFeeds`).
    public var configuredURL: String
    /// The URL to fetch: the configured one, or where a confirmed permanent redirect pointed.
    public var url: String
    public var name: String?
    /// False once the feed left the configuration; its history is kept.
    public var active: Bool
    public var state: FeedState
    public var etag: String?
    public var lastModified: String?
    public var nextDue: Date?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastFetch: Date?
    public var lastSuccess: Date?
    public var retired: Bool
    /// Items currently stored for this feed (kept as a counter so totals never scan the items table).
    public var itemCount: Int64
    public var leaseOwner: String?
    public var leaseUntil: Date?
    /// The scheduler's state (JSON of `FeedScheduleState`), nil until the first fetch under schema v2.
    public var scheduleState: String? = nil
}

/// What one fetch of a feed changes in its row. Every field is written as given (nil clears), so callers
/// start from the feed's record (`FeedFetchUpdate(from:)`) and change what the fetch learnt.
public struct FeedFetchUpdate: Sendable, Equatable {
    public var state: FeedState
    public var etag: String?
    public var lastModified: String?
    public var nextDue: Date?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastFetch: Date?
    public var lastSuccess: Date?
    public var retired: Bool
    /// A confirmed permanent redirect (301/308): the URL to fetch from now on.
    public var permanentURL: String?
    /// The scheduler's state after this fetch (JSON); written as given, like every other field.
    public var scheduleState: String?

    public init(state: FeedState, etag: String? = nil, lastModified: String? = nil, nextDue: Date? = nil,
                consecutiveFailures: Int = 0, lastError: String? = nil, lastFetch: Date? = nil,
                lastSuccess: Date? = nil, retired: Bool = false, permanentURL: String? = nil,
                scheduleState: String? = nil) {
        self.state = state
        self.etag = etag
        self.lastModified = lastModified
        self.nextDue = nextDue
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastFetch = lastFetch
        self.lastSuccess = lastSuccess
        self.retired = retired
        self.permanentURL = permanentURL
        self.scheduleState = scheduleState
    }

    /// Starts from what the store knows, so a caller only sets what changed.
    public init(from feed: FeedRecord) {
        self.init(state: feed.state, etag: feed.etag, lastModified: feed.lastModified, nextDue: feed.nextDue,
                  consecutiveFailures: feed.consecutiveFailures, lastError: feed.lastError,
                  lastFetch: feed.lastFetch, lastSuccess: feed.lastSuccess, retired: feed.retired,
                  scheduleState: feed.scheduleState)
    }
}
