import Feeds
import Foundation
import Store

/// Connects a feed's row to the Feeds target's `Scheduler`: the scheduler's memory (unchanged streak, observed
/// change interval, pending redirect) lives in the row as JSON, and every fetch outcome goes through
/// `Scheduler.next` so the daemon and `poll --once` follow the rules docs/fetching.md describes, in one place.
struct FeedScheduling: Sendable {
    let policy: SchedulePolicy
    let previous: FeedScheduleState
    let now: Date

    init(feed: FeedRecord, policy: SchedulePolicy, now: Date) {
        self.policy = policy
        self.now = now
        previous = Self.state(of: feed)
    }

    /// The stored state; a row written before schema v3 (or holding unreadable JSON) starts from what its
    /// columns know, so a failing feed keeps backing off across the upgrade.
    static func state(of feed: FeedRecord) -> FeedScheduleState {
        if let json = feed.scheduleState {
            if let state = FeedScheduleState(compactJSON: json) { return state }
            if let state = try? JSONDecoder().decode(FeedScheduleState.self, from: Data(json.utf8)) { return state }
        }
        var state = FeedScheduleState()
        state.consecutiveFailures = feed.consecutiveFailures
        state.retired = feed.retired
        return state
    }

    /// Decides the next poll for `observation` and writes the decision into `update`: next due time, failure
    /// count, state, a confirmed redirect's URL and the scheduler's new memory. `lastError` stays the caller's
    /// (the failure's full description is more useful in `status` than the scheduler's stable reason).
    func apply(_ observation: FetchObservation, to update: inout FeedFetchUpdate) {
        var random = SystemRandomNumberGenerator()
        let decision = Scheduler.next(after: observation, state: previous, policy: policy, now: now, using: &random)
        update.nextDue = decision.nextDue
        update.consecutiveFailures = decision.state.consecutiveFailures
        update.permanentURL = decision.moveTo
        update.scheduleState = Self.encode(decision.state)
        switch decision.rule {
        case .retired:
            update.state = .retired
            update.retired = true
        case .retryAfter:
            update.state = .backingOff
        case .backoff:
            update.state = decision.state.consecutiveFailures >= 3 ? .backingOff : .failing
        case .regular:
            break   // ok or not_modified: the caller knows which
        }
    }

    static func encode(_ state: FeedScheduleState) -> String? { state.compactJSON() }
}

/// A fetched body's schedule, settled inside the transaction that stores its items: only the insert knows
/// whether the feed published anything new (a 200 with the same entries counts as unchanged).
struct FetchedSchedule: Sendable {
    let scheduling: FeedScheduling
    let permanentRedirect: String?
    let hints: PollHints

    func apply(newItems: Int, to update: inout FeedFetchUpdate) {
        let observation = FetchObservation(kind: newItems > 0 ? .changed : .unchanged,
                                           permanentRedirect: permanentRedirect, hints: hints)
        scheduling.apply(observation, to: &update)
    }
}
