import Foundation

public struct StoreTotals: Sendable, Equatable {
    public var feeds: Int
    public var activeFeeds: Int
    public var items: Int64
    public var events: Int64
    /// Open and closed events (closed ones stay for the retention period).
    public var openEvents: Int64 = 0
    public var closedEvents: Int64 = 0
}

/// Alerts owed to one sink (or to all of them) by delivery state, from the writers' counters.
public struct AlertCounts: Sendable, Equatable {
    /// A state with no alerts has no entry, so equal counts compare equal however they were reached.
    private var byState: [OutboxState: Int64] = [:]
    /// Pending or delivering alerts that already had at least one attempt (status reports these as degraded).
    public var retrying: Int64 = 0

    public init() {}

    public subscript(state: OutboxState) -> Int64 {
        get { byState[state] ?? 0 }
        set { byState[state] = newValue == 0 ? nil : newValue }
    }

    /// Not delivered yet: pending, or claimed and being delivered (what status and metrics call "pending").
    public var undelivered: Int64 { self[.pending] + self[.delivering] }

    /// Adds another sink's counts (the totals over all sinks).
    public static func += (total: inout AlertCounts, other: AlertCounts) {
        for state in OutboxState.allCases { total[state] += other[state] }
        total.retrying += other.retrying
    }
}

public struct SinkAlertCounts: Sendable, Equatable {
    public var sink: String
    public var counts: AlertCounts
    /// One of the errors of this sink's alerts being retried (nil when none is): what `status` shows, so a
    /// hanging receiver or a full disk is named there.
    public var retryError: String? = nil
}

public struct RecentAlert: Sendable, Equatable {
    public var id: String
    public var created: Date
    public var payload: String
}

public struct HeartbeatRecord: Sendable, Equatable {
    public var daemonID: String
    public var pid: Int
    public var host: String
    public var started: Date
    public var lastBeat: Date
}

/// Everything `tidings status` reads, gathered in one read transaction from indexes and counters.
public struct StoreStatus: Sendable {
    /// "sqlite:/path" or "postgresql://host:port/db" (no credentials).
    public var store: String
    public var schemaVersion: Int
    public var feeds: [FeedRecord]
    public var totals: StoreTotals
    public var alerts: AlertCounts
    public var alertsBySink: [SinkAlertCounts]
    /// Newest first.
    public var recentAlerts: [RecentAlert]
    /// Newest beat first.
    public var heartbeats: [HeartbeatRecord]
}

/// What one retention pass did (`Store.prune`), counted by kind of row. Kept by key, like `AlertCounts`, so the
/// daemon's retention log names every count there is (one added later included) without listing them again.
public struct PruneReport: Sendable, Equatable {
    /// The raw values are the retention log's metadata keys.
    public enum Count: String, CaseIterable, Sendable {
        case itemsDeleted = "items_deleted", matchesDeleted = "matches_deleted", eventsClosed = "events_closed"
        case eventsDeleted = "events_deleted", factsDeleted = "facts_deleted"
        case outboxRowsDeleted = "outbox_rows_deleted", alertsDeleted = "alerts_deleted"
    }

    /// A count of zero has no entry, so equal reports compare equal however they were reached.
    private var counts: [Count: Int64] = [:]

    public init() {}

    public subscript(count: Count) -> Int64 {
        get { counts[count] ?? 0 }
        set { counts[count] = newValue == 0 ? nil : newValue }
    }

    /// The counts that are not zero, in `Count`'s order: empty when the pass removed and closed nothing.
    public var nonZero: [(count: Count, value: Int64)] {
        Count.allCases.compactMap { count in counts[count].map { (count, $0) } }
    }
}
