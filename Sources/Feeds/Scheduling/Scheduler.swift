import Foundation

/// Pure scheduling rules: when each feed is due next, how failures back off, when a redirect is trusted, and how
/// due feeds of one host are spread out. No I/O, no clock: `now` and the random source come from the caller, so
/// a seeded generator makes every decision reproducible.
public enum Scheduler {
    public static func next<R: RandomNumberGenerator>(after observation: FetchObservation, state previous: FeedScheduleState,
                                                      policy: SchedulePolicy, now: Date,
                                                      using rng: inout R) -> ScheduleDecision {
        var state = previous
        switch observation.kind {
        case .failed(let reason, let retryAfter, let gone):
            state.consecutiveFailures += 1
            state.lastError = reason
            if gone {
                state.retired = true
                return ScheduleDecision(state: state, nextDue: nil, rule: .retired, moveTo: nil)
            }
            if let retryAfter {
                let delay = retryAfterDelay(retryAfter, policy: policy, using: &rng)
                return ScheduleDecision(state: state, nextDue: now.addingTimeInterval(delay), rule: .retryAfter, moveTo: nil)
            }
            let delay = backoffDelay(failures: state.consecutiveFailures, policy: policy, using: &rng)
            return ScheduleDecision(state: state, nextDue: now.addingTimeInterval(delay), rule: .backoff, moveTo: nil)

        case .changed, .unchanged:
            state.consecutiveFailures = 0
            state.lastError = nil
            if observation.kind == .changed {
                if let lastChange = state.lastChange {
                    let sample = max(0, now.timeIntervalSince(lastChange))
                    state.changeInterval = state.changeInterval.map {
                        (1 - policy.changeRateWeight) * $0 + policy.changeRateWeight * sample
                    } ?? sample
                }
                state.lastChange = now
                state.consecutiveUnchanged = 0
            } else {
                state.consecutiveUnchanged += 1
            }
            let moveTo = confirmRedirect(observation.permanentRedirect, state: &state, policy: policy)
            let delay = jittered(regularInterval(state: state, hints: observation.hints, policy: policy), policy: policy, using: &rng)
            return ScheduleDecision(state: state, nextDue: now.addingTimeInterval(delay), rule: .regular, moveTo: moveTo)
        }
    }

    /// The interval before jitter: the configured interval, or half the observed time between changes once known
    /// (two polls per change), stretched by polls in a row that saw nothing new, raised to the feed's own hints,
    /// and clamped to [min_interval, max_interval].
    public static func regularInterval(state: FeedScheduleState, hints: PollHints, policy: SchedulePolicy) -> TimeInterval {
        var interval = state.changeInterval.map { $0 / 2 } ?? policy.interval
        let quietPolls = min(state.consecutiveUnchanged, policy.unchangedGrowthLimit)
        interval *= pow(policy.unchangedGrowth, Double(quietPolls))
        if let floor = hints.floor { interval = max(interval, floor) }
        return clamp(interval, policy.minInterval, policy.maxInterval)
    }

    /// Exponential backoff before jitter: backoffStart × 2^(failures-1), capped at max(max_interval, 6h).
    public static func backoffBase(failures: Int, policy: SchedulePolicy) -> TimeInterval {
        let exponent = Double(max(0, min(failures - 1, 40)))
        return min(policy.failureCap, policy.backoffStart * pow(2, exponent))
    }

    static func backoffDelay<R: RandomNumberGenerator>(failures: Int, policy: SchedulePolicy, using rng: inout R) -> TimeInterval {
        let base = backoffBase(failures: failures, policy: policy)
        let factor = Double.random(in: 0.8...1.2, using: &rng)
        return clamp(base * factor, policy.minInterval, policy.failureCap)
    }

    /// Never earlier than the server asked (nor than min_interval); jitter only adds, up to 10 %; capped.
    static func retryAfterDelay<R: RandomNumberGenerator>(_ retryAfter: TimeInterval, policy: SchedulePolicy,
                                                         using rng: inout R) -> TimeInterval {
        let asked = max(retryAfter, policy.minInterval)
        let factor = 1 + Double.random(in: 0...max(0, policy.jitter), using: &rng)
        return min(asked * factor, policy.failureCap)
    }

    static func jittered<R: RandomNumberGenerator>(_ interval: TimeInterval, policy: SchedulePolicy, using rng: inout R) -> TimeInterval {
        guard policy.jitter > 0 else { return interval }
        let factor = 1 + Double.random(in: -policy.jitter...policy.jitter, using: &rng)
        return clamp(interval * factor, policy.minInterval, policy.maxInterval)
    }

    /// A permanent redirect is trusted once `redirectConfirmations` successful fetches in a row reported the
    /// same target. A success without it (or with another target) starts over; failures neither count nor reset.
    static func confirmRedirect(_ target: String?, state: inout FeedScheduleState, policy: SchedulePolicy) -> String? {
        guard let target else {
            state.pendingRedirect = nil
            state.pendingRedirectSeen = 0
            return nil
        }
        if state.pendingRedirect == target {
            state.pendingRedirectSeen += 1
        } else {
            state.pendingRedirect = target
            state.pendingRedirectSeen = 1
        }
        guard state.pendingRedirectSeen >= policy.redirectConfirmations else { return nil }
        state.pendingRedirect = nil
        state.pendingRedirectSeen = 0
        return target
    }

    static func clamp(_ value: TimeInterval, _ low: TimeInterval, _ high: TimeInterval) -> TimeInterval {
        min(max(value, low), max(low, high))
    }
}
