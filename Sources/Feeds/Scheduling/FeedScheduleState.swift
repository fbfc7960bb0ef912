import Foundation

/// What the scheduler remembers about one feed between polls. The store persists these fields as they are.
public struct FeedScheduleState: Sendable, Hashable, Codable {
    public var consecutiveFailures = 0
    /// Successful polls in a row that brought nothing new (304, or a body with no new items).
    public var consecutiveUnchanged = 0
    public var lastChange: Date?
    /// Moving average of the time between observed changes; nil until two changes were seen.
    public var changeInterval: TimeInterval?
    /// A permanent redirect target seen on the last successful fetch(es), not yet confirmed.
    public var pendingRedirect: String?
    public var pendingRedirectSeen = 0
    /// 410 Gone: never polled again until the configuration changes.
    public var retired = false
    /// Stable reason of the last failure ("http 503", "timeout", "not a feed" ...); nil after a success.
    public var lastError: String?

    public init() {}
}

/// What one poll of a feed showed.
public struct FetchObservation: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// New content (new items, or a first fetch).
        case changed
        /// A 304, or a body with nothing new.
        case unchanged
        /// Any failure: fetch (`FetchFailure.reason`) or parse ("not a feed", "parse error").
        case failed(reason: String, retryAfter: TimeInterval?, gone: Bool)
    }

    public var kind: Kind
    /// `FetchMetadata.permanentRedirect` of a successful fetch.
    public var permanentRedirect: String?
    public var hints: PollHints

    public init(kind: Kind, permanentRedirect: String? = nil, hints: PollHints = PollHints()) {
        self.kind = kind
        self.permanentRedirect = permanentRedirect
        self.hints = hints
    }

    /// From a fetch result; `changed` says whether a fetched body brought anything new (the caller knows after
    /// parsing). Response hints (max-age, Expires) are merged into `hints`.
    public init(result: FetchResult, changed: Bool, hints: PollHints) {
        var merged = hints
        merged.cacheMaxAge = hints.cacheMaxAge ?? result.metadata.cacheMaxAge
        merged.expiresIn = hints.expiresIn ?? result.metadata.expiresIn
        switch result.outcome {
        case .fetched:
            self.init(kind: changed ? .changed : .unchanged, permanentRedirect: result.metadata.permanentRedirect, hints: merged)
        case .notModified:
            self.init(kind: .unchanged, permanentRedirect: result.metadata.permanentRedirect, hints: merged)
        case .failed(let failure):
            self.init(kind: .failed(reason: failure.reason, retryAfter: failure.retryAfter, gone: failure == .gone),
                      hints: merged)
        }
    }
}

/// What to do after a poll.
public struct ScheduleDecision: Sendable, Hashable {
    public enum Rule: String, Sendable, Hashable {
        case regular, backoff, retryAfter = "retry-after", retired
    }
    public var state: FeedScheduleState
    /// nil when the feed is retired.
    public var nextDue: Date?
    public var rule: Rule
    /// A confirmed permanent redirect: store this as the feed's URL from now on.
    public var moveTo: String?
}
