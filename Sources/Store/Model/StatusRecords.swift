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

public struct AlertCounts: Sendable, Equatable {
    public var pending: Int64 = 0
    public var delivering: Int64 = 0
    public var delivered: Int64 = 0
    public var failed: Int64 = 0
    /// Pending or delivering alerts that already had at least one attempt (status reports these as degraded).
    public var retrying: Int64 = 0

    public init() {}
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

public struct PruneReport: Sendable, Equatable {
    public var itemsDeleted: Int64 = 0
    public var matchesDeleted: Int64 = 0
    public var eventsClosed: Int64 = 0
    public var eventsDeleted: Int64 = 0
    public var factsDeleted: Int64 = 0
    public var outboxRowsDeleted: Int64 = 0
    public var alertsDeleted: Int64 = 0

    public init() {}
}
