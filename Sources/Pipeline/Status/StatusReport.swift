import Foundation
import Store
import Support

/// What `tidings status` reports, built from one read of the store (`Store.status`) plus a liveness check of
/// the daemon that wrote the newest heartbeat.
public struct StatusReport: Sendable {
    public enum Health: Int32, Sendable {
        case healthy = 0
        case degraded = 1
        case notRunning = 2
    }

    public var configPath: String
    public var storeStatus: StoreStatus?
    public var daemon: HeartbeatRecord?
    public var running: Bool
    public var now: Date
    /// Why the report is degraded, one reason per line (empty when healthy).
    public var problems: [String]

    /// A heartbeat older than this means the daemon is gone (it beats at least every 10 s).
    public static let heartbeatFreshness: TimeInterval = 30

    /// Why the store could not be read (nil when it was, or does not exist yet).
    public var storeError: String?
    /// A `tidings run` on this host for this configuration, found without the store (`LocalDaemons`).
    public var localDaemonPID: Int?

    /// `storeError` and `localDaemonPID`: when the store cannot be read but a daemon for this configuration runs
    /// here, the report says running and degraded (the daemon waits for its store), not "not running".
    public init(configPath: String, storeStatus: StoreStatus?, now: Date = Date(),
                hostName: String = ProcessInfo.processInfo.hostName,
                isAlive: (Int) -> Bool = StatusReport.processIsAlive,
                storeError: String? = nil, localDaemonPID: Int? = nil, diskProblems: [String] = []) {
        self.storeError = storeError
        self.configPath = configPath
        self.storeStatus = storeStatus
        self.now = now
        let newest = storeStatus?.heartbeats.max { $0.lastBeat < $1.lastBeat }
        daemon = newest
        var problems: [String] = []
        if let newest, now.timeIntervalSince(newest.lastBeat) < Self.heartbeatFreshness {
            // On this machine we can also ask the kernel; a heartbeat from another host is taken at its word.
            running = newest.host != hostName || isAlive(newest.pid)
            self.localDaemonPID = nil
        } else if let localDaemonPID, storeStatus != nil || storeError != nil {
            // No fresh heartbeat, but a daemon of this configuration runs here: it cannot write to (or read) its
            // store. Running, and degraded, not "not running".
            running = true
            self.localDaemonPID = localDaemonPID
            if storeStatus != nil {
                let age = newest.map { "\(Int(now.timeIntervalSince($0.lastBeat))) s" } ?? "ever"
                problems.append("the daemon (pid \(localDaemonPID)) has written no heartbeat for \(age): it cannot write to its store")
            }
        } else {
            running = false
            self.localDaemonPID = nil
        }
        if storeStatus == nil, let storeError {
            problems.append("the store cannot be read: \(storeError)")
        }
        problems += diskProblems
        if let storeStatus {
            for feed in storeStatus.feeds where feed.active && (feed.state == .failing || feed.state == .backingOff) {
                problems.append("feed \(feed.url) is \(feed.state.rawValue): \(feed.lastError ?? "no error recorded")")
            }
            if storeStatus.alerts[.failed] > 0 { problems.append("\(storeStatus.alerts[.failed]) alert deliveries failed for good") }
            if storeStatus.alerts.retrying > 0 { problems.append("\(storeStatus.alerts.retrying) alert deliveries are being retried") }
            // Which sink, and why (a receiver that never answers, a full disk), one line per retrying sink.
            for sink in storeStatus.alertsBySink where sink.counts.retrying > 0 {
                problems.append("sink \(sink.sink): \(sink.counts.retrying) being retried: \(sink.retryError ?? "no error recorded")")
            }
        }
        self.problems = problems
    }

    public var health: Health {
        if !running { return .notRunning }
        return problems.isEmpty ? .healthy : .degraded
    }

    public static func processIsAlive(_ pid: Int) -> Bool {
        guard pid > 0, pid <= Int(Int32.max) else { return false }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    // MARK: - JSON

    public var json: JSONValue {
        let status = storeStatus
        let daemonJSON: JSONValue = .object([
            ("running", .bool(running)),
            ("pid", running ? .optional(localDaemonPID ?? daemon?.pid) : .null),
            ("started", running ? daemon.map { .string(ISO8601Time.format($0.started)) } ?? .null : .null),
            ("heartbeat", daemon.map { .string(ISO8601Time.format($0.lastBeat)) } ?? .null),
            ("host", .optional(daemon?.host)),
            ("uptime_seconds", running ? daemon.map { .int(Int(now.timeIntervalSince($0.started))) } ?? .null : .null),
        ])
        let feeds: [JSONValue] = (status?.feeds ?? []).filter(\.active).map { feed in
            .object([
                ("url", .string(feed.url)),
                ("configured_url", .string(feed.configuredURL)),
                ("name", .optional(feed.name)),
                ("state", .string(feed.state.rawValue)),
                ("last_fetch", Self.time(feed.lastFetch)),
                ("last_success", Self.time(feed.lastSuccess)),
                ("next_due", feed.retired ? .null : Self.time(feed.nextDue)),
                ("failures", .int(feed.consecutiveFailures)),
                ("last_error", .optional(feed.lastError)),
                ("items", .int(Int(feed.itemCount))),
            ])
        }
        let counts = status?.alerts ?? AlertCounts()
        return .object([
            ("daemon", daemonJSON),
            ("config", .string(configPath)),
            ("store", .optional(status?.store)),
            ("feeds", .array(feeds)),
            ("totals", .object([
                ("feeds", .int(status?.totals.activeFeeds ?? 0)),
                ("items", .int(Int(status?.totals.items ?? 0))),
                ("events", .int(Int(status?.totals.events ?? 0))),
                ("events_open", .int(Int(status?.totals.openEvents ?? 0))),
                ("events_closed", .int(Int(status?.totals.closedEvents ?? 0))),
            ])),
            ("alerts", .object([
                ("pending", .int(Int(counts.undelivered))),
                ("delivered", .int(Int(counts[.delivered]))),
                ("failed", .int(Int(counts[.failed]))),
                ("retrying", .int(Int(counts.retrying))),
                ("by_sink", .array((status?.alertsBySink ?? []).map { sink in
                    .object([
                        ("sink", .string(sink.sink)),
                        ("pending", .int(Int(sink.counts.undelivered))),
                        ("delivered", .int(Int(sink.counts[.delivered]))),
                        ("failed", .int(Int(sink.counts[.failed]))),
                        ("retrying", .int(Int(sink.counts.retrying))),
                        ("last_error", .optional(sink.retryError)),
                    ])
                })),
            ])),
            ("recent_alerts", .array((status?.recentAlerts ?? []).map { .raw($0.payload) })),
            ("health", .string(health == .healthy ? "healthy" : health == .degraded ? "degraded" : "not_running")),
            ("problems", .array(problems.map(JSONValue.string))),
        ])
    }

    private static func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Time.format($0)) } ?? .null }

    // MARK: - Text

    public var text: String {
        var lines: [String] = []
        if running, let localDaemonPID {
            lines.append("daemon: running, pid \(localDaemonPID) on this host (no fresh heartbeat in its store)")
        } else if running, let daemon {
            let uptime = Int(now.timeIntervalSince(daemon.started))
            lines.append("daemon: running, pid \(daemon.pid) on \(daemon.host), up \(Self.duration(uptime)), last heartbeat \(Int(now.timeIntervalSince(daemon.lastBeat))) s ago")
        } else if let daemon {
            lines.append("daemon: NOT RUNNING (last heartbeat \(ISO8601Time.format(daemon.lastBeat)), pid \(daemon.pid) on \(daemon.host))")
        } else {
            lines.append("daemon: NOT RUNNING (no heartbeat ever recorded)")
        }
        lines.append("config: \(configPath)")
        lines.append("store:  \(storeStatus?.store ?? "(not created yet)")")
        if let status = storeStatus {
            lines.append("totals: \(status.totals.activeFeeds) feeds, \(status.totals.items) items, \(status.totals.openEvents) open and \(status.totals.closedEvents) closed events")
            let counts = status.alerts
            lines.append("alerts: \(counts.undelivered) pending, \(counts[.delivered]) delivered, \(counts[.failed]) failed")
            for sink in status.alertsBySink {
                lines.append("  \(sink.sink): \(sink.counts.undelivered) pending, \(sink.counts[.delivered]) delivered, \(sink.counts[.failed]) failed")
            }
            lines.append("feeds:")
            for feed in status.feeds where feed.active {
                var line = "  \(feed.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(feed.url)"
                if let success = feed.lastSuccess { line += "  last success \(ISO8601Time.format(success))" }
                if let due = feed.nextDue, !feed.retired { line += "  next \(ISO8601Time.format(due))" }
                if let error = feed.lastError, feed.state != .ok, feed.state != .notModified { line += "  error: \(error)" }
                lines.append(line)
            }
            if !status.recentAlerts.isEmpty {
                lines.append("recent alerts:")
                for recent in status.recentAlerts {
                    let alert = Alert(json: recent.payload)
                    lines.append("  \(ISO8601Time.format(recent.created)) \(alert?.verdict.rawValue ?? "?") [\(alert?.topic ?? "?")] \(alert?.article.title ?? recent.id)")
                }
            }
        }
        if !problems.isEmpty {
            lines.append("problems:")
            lines += problems.map { "  \($0)" }
        }
        lines.append("health: \(health == .healthy ? "healthy" : health == .degraded ? "degraded" : "not running")")
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }
}
