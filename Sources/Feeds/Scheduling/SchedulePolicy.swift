import Foundation

/// The `[poll]` timing knobs, plus the constants of the adaptation rules (documented in docs/fetching.md).
public struct SchedulePolicy: Sendable, Hashable {
    /// The configured interval (`[poll] interval` or the feed's own `interval`).
    public var interval: TimeInterval
    /// Never poll faster than this, whatever the hints or change rate say.
    public var minInterval: TimeInterval
    /// Hints and change rate never push a regular poll past this.
    public var maxInterval: TimeInterval
    /// Regular intervals are multiplied by a uniform factor in [1 - jitter, 1 + jitter].
    public var jitter: Double = 0.1
    /// Each poll in a row that saw no change stretches the interval by this factor...
    public var unchangedGrowth: Double = 1.25
    /// ...for at most this many polls (1.25^4 ≈ 2.4×).
    public var unchangedGrowthLimit: Int = 4
    /// Weight of the newest sample in the moving average of the time between changes.
    public var changeRateWeight: Double = 0.3
    /// A permanent redirect updates the feed URL after this many successful fetches in a row saw it.
    public var redirectConfirmations: Int = 2

    public init(interval: TimeInterval = 900, minInterval: TimeInterval = 300, maxInterval: TimeInterval = 21_600) {
        self.minInterval = max(0, minInterval)
        self.maxInterval = max(self.minInterval, maxInterval)
        self.interval = interval
    }

    /// Retry-After and error backoff may go past max_interval, up to this (spec: max(max_interval, 6h)).
    public var failureCap: TimeInterval { max(maxInterval, 6 * 3600) }

    /// First backoff step; doubles with every further failure in a row.
    public var backoffStart: TimeInterval { max(minInterval, 1) }
}

/// A feed's own statements about how often it should be polled, all in seconds.
public struct PollHints: Sendable, Hashable {
    /// RSS `<ttl>` (minutes in the feed; seconds here).
    public var ttl: TimeInterval?
    /// sy:updatePeriod / sy:updateFrequency as a period in seconds.
    public var updatePeriod: TimeInterval?
    /// Cache-Control max-age of the response.
    public var cacheMaxAge: TimeInterval?
    /// Expires minus the response's Date.
    public var expiresIn: TimeInterval?

    public init(ttl: TimeInterval? = nil, updatePeriod: TimeInterval? = nil, cacheMaxAge: TimeInterval? = nil,
                expiresIn: TimeInterval? = nil) {
        self.ttl = ttl
        self.updatePeriod = updatePeriod
        self.cacheMaxAge = cacheMaxAge
        self.expiresIn = expiresIn
    }

    /// Hints from the HTTP response; combine with the parser's ttl/updatePeriod with `merging`.
    public init(metadata: FetchMetadata) {
        self.init(cacheMaxAge: metadata.cacheMaxAge, expiresIn: metadata.expiresIn)
    }

    public func merging(ttl: TimeInterval?, updatePeriod: TimeInterval?) -> PollHints {
        var merged = self
        merged.ttl = ttl ?? self.ttl
        merged.updatePeriod = updatePeriod ?? self.updatePeriod
        return merged
    }

    /// The longest positive hint: the publisher says polling more often than this is wasted.
    public var floor: TimeInterval? {
        [ttl, updatePeriod, cacheMaxAge, expiresIn].compactMap { $0 }.filter { $0 > 0 }.max()
    }
}
