import Config
import Feeds
import Foundation
import Logging
import Store

/// Stage 5, schedule. Each feed's next poll is decided with its own write (`FeedScheduling`, `FetchedSchedule`:
/// backoff, Retry-After, adaptive intervals); once the cycle's writes are committed, this stage spreads the next
/// polls of feeds that share a host.
struct ScheduleStage: Sendable {
    let store: any Store
    let logger: Logger

    /// Least time between the next polls of two feeds of one host (shrunk when a host has more feeds than fit
    /// in the window at this spacing).
    static let hostSpacing: TimeInterval = 2

    /// Due feeds of one host are spread out, not burst: feeds fetched together would otherwise come due together
    /// again, their jitter alone leaving clusters. `Scheduler.staggeredStarts` moves a feed's next poll later (never
    /// earlier) until it is `hostSpacing` after the previous one of its host, within a window of the jitter's
    /// share of the poll interval. Only feeds that move are written, in one transaction, and only while nothing
    /// else changed them (not leased again, same due time); a crash before it leaves the unspread times, which
    /// are as valid.
    func spreadHosts(_ scheduled: [FeedWriteQueue.ScheduledFeed], poll: PollSettings) async {
        var perHost: [String: Int] = [:]
        for feed in scheduled { perHost[feed.host, default: 0] += 1 }
        let shared = scheduled.filter { perHost[$0.host, default: 0] > 1 }
        guard !shared.isEmpty else { return }
        var random = SystemRandomNumberGenerator()
        let window = poll.interval * SchedulePolicy(interval: poll.interval).jitter
        let starts = Scheduler.staggeredStarts(of: shared, host: \.host, due: \.nextDue, spacing: Self.hostSpacing,
                                               window: window, using: &random)
        // Sub-second moves are not worth a row write: they change nothing a host would notice.
        let moves = zip(shared, starts).filter { feed, start in start.timeIntervalSince(feed.nextDue) >= 0.5 }
        guard !moves.isEmpty else { return }
        let store = self.store
        do {
            try await Blocking.run {
                try store.write { transaction in
                    for (feed, start) in moves {
                        try transaction.moveNextDue(feedID: feed.feedID, from: feed.nextDue, to: start)
                    }
                }
            }
        } catch {
            logger.warning("spreading the next polls of shared hosts failed; they keep their own jittered times",
                           metadata: ["feeds": "\(moves.count)", "error": "\(error)"])
        }
    }
}

extension FeedFetchUpdate {
    /// A fetch that reached the feed (200 or 304): its failures are over, its validators are the ones given.
    static func reachedFeed(_ feed: FeedRecord, state: FeedState, at now: Date, etag: String?,
                            lastModified: String?) -> FeedFetchUpdate {
        var update = FeedFetchUpdate(from: feed)
        update.state = state
        update.lastFetch = now
        update.lastSuccess = now
        update.consecutiveFailures = 0
        update.lastError = nil
        update.etag = etag
        update.lastModified = lastModified
        return update
    }

    /// A fetch that failed: the feed keeps its validators; the scheduler then decides state and backoff.
    static func failedFetch(of feed: FeedRecord, at now: Date, error: String) -> FeedFetchUpdate {
        var update = FeedFetchUpdate(from: feed)
        update.lastFetch = now
        update.lastError = error
        return update
    }
}
