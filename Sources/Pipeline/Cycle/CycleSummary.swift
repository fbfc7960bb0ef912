import Foundation

/// The outcome of one poll cycle, for the `poll --once` summary line and the daemon's STATUS=.
public struct CycleSummary: Sendable, Equatable {
    public var feeds = 0
    public var changed = 0
    public var notModified = 0
    public var failed = 0
    /// Items this cycle stored that the feed had not published before.
    public var newItems = 0
    /// Feeds whose transfer was aborted by a shutdown (their leases are released; nothing was recorded).
    public var aborted = 0
    public var judged = 0
    public var alerts = 0
    /// Alerts made, per topic and verdict (for `/metrics`).
    public var alertKinds: [Metrics.AlertKind: Int] = [:]
    public var seconds: Double = 0
    /// One line per feed that failed: "URL: reason".
    public var failures: [String] = []

    public init() {}

    /// `polled N feeds: A changed, B not modified, C failed, D new items in S s`
    public var line: String {
        "polled \(feeds) feeds: \(changed) changed, \(notModified) not modified, \(failed) failed, \(newItems) new items in "
            + String(format: "%.1f", seconds) + " s"
    }
}
