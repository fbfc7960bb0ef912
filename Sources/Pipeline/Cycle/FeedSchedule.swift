import Foundation
import Store

/// When a feed is due next and what state `status` shows for it, from the outcome of one fetch.
///
/// Success: the feed's interval (its own, else `[poll] interval`), lengthened by its hints (ttl, sy:update*,
/// Cache-Control max-age, Expires) and kept within [min_interval, max_interval]. Failure: exponential backoff
/// from the interval, doubling per consecutive failure, honouring Retry-After, capped at max(max_interval, 6h).
/// Jitter (±10 %) everywhere so feeds added together drift apart instead of polling in bursts.
public struct FeedSchedule: Sendable {
    public var interval: TimeInterval
    public var minInterval: TimeInterval
    public var maxInterval: TimeInterval
    public var jitter: Double = 0.1

    public init(interval: TimeInterval, minInterval: TimeInterval, maxInterval: TimeInterval) {
        self.interval = interval
        self.minInterval = min(minInterval, maxInterval)
        self.maxInterval = maxInterval
    }

    public var backoffCap: TimeInterval { max(maxInterval, 6 * 3600) }

    public func nextDueAfterSuccess(now: Date, hints: [TimeInterval?]) -> Date {
        var delay = interval
        if let hint = hints.compactMap({ $0 }).filter({ $0 > 0 }).max() { delay = max(delay, hint) }
        delay = min(max(delay, minInterval), maxInterval)
        return now.addingTimeInterval(jittered(delay, floor: minInterval, ceiling: maxInterval))
    }

    public func nextDueAfterFailure(now: Date, consecutiveFailures: Int, retryAfter: TimeInterval?) -> Date {
        let exponent = Double(max(0, min(consecutiveFailures - 1, 20)))
        var delay = min(max(interval, minInterval) * pow(2, exponent), backoffCap)
        if let retryAfter { delay = min(max(delay, retryAfter), backoffCap) }
        return now.addingTimeInterval(jittered(delay, floor: min(delay, minInterval), ceiling: backoffCap))
    }

    private func jittered(_ delay: TimeInterval, floor: TimeInterval, ceiling: TimeInterval) -> TimeInterval {
        let factor = Double.random(in: (1 - jitter)...(1 + jitter))
        return min(max(delay * factor, floor), ceiling)
    }

    /// `failing` right after a failure; `backing_off` once failures repeat (3+) or the server asked us to wait.
    public static func failureState(consecutiveFailures: Int, retryAfter: TimeInterval?) -> FeedState {
        consecutiveFailures >= 3 || retryAfter != nil ? .backingOff : .failing
    }
}
