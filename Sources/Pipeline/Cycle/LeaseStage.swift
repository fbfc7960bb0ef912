import Config
import Foundation
import Store

/// Stage 1, lease: hands out the cycle's due feeds a chunk at a time. A lease names its owner, so two daemons
/// sharing a PostgreSQL store never fetch one feed at once, and lasts `leaseFor` from the moment of leasing.
///
/// Every chunk is leased with the cycle's start as "now": a feed fetched in this cycle is due again only after its
/// interval, so it is not leased twice (with `--all` too: `makeAllDue` made every feed due at this instant, not at
/// some far future one).
struct LeaseStage: Sendable {
    let store: any Store
    let owner: String
    /// The cycle's start.
    let now: Date
    let leaseFor: TimeInterval
    /// Feeds per chunk; a chunk shorter than this is the last.
    let chunkSize: Int
    /// Feeds the cycle may still lease.
    private let remaining: Locked<Int>

    init(store: any Store, owner: String, now: Date, leaseFor: TimeInterval, chunkSize: Int, limit: Int) {
        self.store = store
        self.owner = owner
        self.now = now
        self.leaseFor = leaseFor
        self.chunkSize = chunkSize
        remaining = Locked(limit)
    }

    /// `poll --all`: every active feed is due now.
    func makeAllDue() async throws {
        let store = self.store, now = self.now
        _ = try await Blocking.run { try store.makeFeedsDue(now: now) }
    }

    /// The next chunk of due feeds; empty when none is left (or the limit is reached).
    func next() async throws -> [FeedRecord] {
        let wanted = remaining.withLock { min($0, chunkSize) }
        guard wanted > 0 else { return [] }
        // The lease runs leaseFor from the moment of leasing, however late in the cycle that is.
        let elapsed = max(0, Date().timeIntervalSince(now))
        let store = self.store, now = self.now, owner = self.owner, leaseFor = self.leaseFor
        let leased = try await Blocking.run {
            try store.leaseDueFeeds(now: now, limit: wanted, owner: owner, leaseFor: leaseFor + elapsed)
        }
        remaining.withLock { $0 -= leased.count }
        return leased
    }

    /// Gives a feed back unfetched (its transfer was aborted by a shutdown): it is due again at once.
    func release(feedID: Int64) async {
        let store = self.store, owner = self.owner
        try? await Blocking.run { try store.releaseFeedLease(feedID: feedID, owner: owner) }
    }
}
