import Foundation

/// `tidings status`: from counters and indexes only.
extension SQLTransaction {
    func status(now: Date, recentAlerts: Int, schemaVersion: Int) throws -> StoreStatus {
        let feeds = try feeds()
        var items: Int64 = 0
        for feed in feeds { items += feed.itemCount }
        let events = try connection.queryOne("SELECT value FROM counters WHERE name = 'events'", [])?.int64(0) ?? 0
        let eventCounts = try eventCounts()
        var bySink = try outboxCountsBySink()
        // Reads only the undelivered backlog, through the partial index.
        var retryErrors: [String: String] = [:]
        for row in try connection.query("""
            SELECT sink, count(*), max(last_error) FROM outbox WHERE state IN ('pending', 'delivering') AND attempts > 0
            GROUP BY sink
            """, []) {
            bySink[row.string(0) ?? "", default: AlertCounts()].retrying = row.int64(1) ?? 0
            if let error = row.string(2) { retryErrors[row.string(0) ?? ""] = error }
        }
        var total = AlertCounts()
        let sinks = bySink.keys.sorted().map { SinkAlertCounts(sink: $0, counts: bySink[$0]!, retryError: retryErrors[$0]) }
        for sink in sinks { total += sink.counts }
        let recent = try connection.query("""
            SELECT id, created, payload FROM alerts WHERE id NOT LIKE 'digest:%' ORDER BY created DESC, id DESC LIMIT ?
            """,
                                          [SQLValue(max(0, recentAlerts))]).map {
            RecentAlert(id: $0.string(0) ?? "", created: $0.date(1) ?? Date(timeIntervalSince1970: 0),
                        payload: $0.string(2) ?? "")
        }
        let heartbeats = try connection.query(
            "SELECT daemon_id, pid, host, started, last_beat FROM heartbeats ORDER BY last_beat DESC", []).map {
            HeartbeatRecord(daemonID: $0.string(0) ?? "", pid: $0.int(1), host: $0.string(2) ?? "",
                            started: $0.date(3) ?? Date(timeIntervalSince1970: 0),
                            lastBeat: $0.date(4) ?? Date(timeIntervalSince1970: 0))
        }
        return StoreStatus(store: storeName, schemaVersion: schemaVersion, feeds: feeds,
                           totals: StoreTotals(feeds: feeds.count, activeFeeds: feeds.filter(\.active).count,
                                               items: items, events: events, openEvents: eventCounts.open,
                                               closedEvents: eventCounts.closed),
                           alerts: total, alertsBySink: sinks, recentAlerts: recent, heartbeats: heartbeats)
    }

    /// Per sink, from the writers' counters (never counting the outbox itself).
    func outboxCountsBySink() throws -> [String: AlertCounts] {
        var bySink: [String: AlertCounts] = [:]
        for row in try connection.query("SELECT sink, state, n FROM outbox_stats", []) {
            let sink = row.string(0) ?? ""
            let count = row.int64(2) ?? 0
            var counts = bySink[sink] ?? AlertCounts()
            if let state = OutboxState(rawValue: row.string(1) ?? "") { counts[state] += count }
            bySink[sink] = counts
        }
        return bySink
    }
}
