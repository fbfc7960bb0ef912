import Foundation

/// When a failed delivery is tried again: from 1 s doubling to a 5 min cap, with jitter so many alerts failing
/// together do not retry in lockstep; `Retry-After` from a 429 or 503 is honoured; after `giveUpAfter` (counted
/// from the alert's creation) the alert is failed for good.
public struct RetryPolicy: Sendable {
    public var initialDelay: Double = 1
    public var maximumDelay: Double = 300
    /// Each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter].
    public var jitter: Double = 0.2
    public var giveUpAfter: Double

    public init(giveUpAfter: Double = 86_400) { self.giveUpAfter = giveUpAfter }

    public enum Decision: Equatable, Sendable {
        case retry(after: Double)
        case giveUp
    }

    /// `attempt` counts the deliveries tried so far (1 after the first failure).
    public func decide<R: RandomNumberGenerator>(attempt: Int, retryAfter: Double?, alertAge: Double,
                                                 using generator: inout R) -> Decision {
        let delay: Double
        if let retryAfter, retryAfter >= 0 {
            // The receiver named its time: obey it (but never spin faster than the base delay).
            delay = max(retryAfter, initialDelay)
        } else {
            let exponent = Double(max(0, min(attempt - 1, 30)))
            let base = min(initialDelay * pow(2, exponent), maximumDelay)
            delay = min(base * Double.random(in: (1 - jitter)...(1 + jitter), using: &generator), maximumDelay)
        }
        if alertAge + delay > giveUpAfter { return alertAge >= giveUpAfter ? .giveUp : .retry(after: giveUpAfter - alertAge) }
        return .retry(after: delay)
    }

    public func decide(attempt: Int, retryAfter: Double?, alertAge: Double) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return decide(attempt: attempt, retryAfter: retryAfter, alertAge: alertAge, using: &generator)
    }
}
