import Foundation
import Pipeline
import Store

/// `/metrics` in the Prometheus text format (0.0.4): gauges read from the store's counters at scrape time,
/// counters and the cycle histogram from the daemon's own `Metrics`.
enum MetricsText {
    static func render(status: StoreSummary, metrics: Metrics.Snapshot, version: String) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
            out += "\(name)\(rendered) \(value)\n"
        }

        family("tidings_build_info", "gauge", "The running tidings version (always 1).")
        sample("tidings_build_info", [("version", version)], "1")

        family("tidings_feeds", "gauge", "Active feeds by state.")
        for state in FeedState.allCases { sample("tidings_feeds", [("state", state.rawValue)], "\(status.feedStates[state] ?? 0)") }

        family("tidings_events", "gauge", "Stored events, open and closed.")
        sample("tidings_events", [("state", "open")], "\(status.openEvents)")
        sample("tidings_events", [("state", "closed")], "\(status.closedEvents)")

        family("tidings_fetches_total", "counter", "Feed fetches by result since the daemon started.")
        for result in ["changed", "not_modified", "failed"] {
            sample("tidings_fetches_total", [("result", result)], "\(metrics.fetches[result] ?? 0)")
        }

        family("tidings_items_total", "counter", "New items stored since the daemon started.")
        sample("tidings_items_total", [], "\(metrics.items)")

        family("tidings_alerts_total", "counter", "Alerts made since the daemon started, by topic and verdict.")
        for kind in metrics.alerts.keys.sorted() {
            sample("tidings_alerts_total", [("topic", kind.topic), ("verdict", kind.verdict)], "\(metrics.alerts[kind]!)")
        }

        family("tidings_alerts_pending", "gauge", "Alerts not yet delivered, per sink.")
        for sink in status.alertsBySink {
            sample("tidings_alerts_pending", [("sink", sink.sink)], "\(sink.counts.undelivered)")
        }

        family("tidings_deliveries_total", "counter", "Delivery attempts since the daemon started, by sink and result.")
        for kind in metrics.deliveries.keys.sorted() {
            sample("tidings_deliveries_total", [("sink", kind.sink), ("result", kind.result)], "\(metrics.deliveries[kind]!)")
        }

        family("tidings_poll_cycle_seconds", "histogram", "Duration of poll cycles that polled at least one feed.")
        for (index, bound) in Metrics.cycleBuckets.enumerated() {
            sample("tidings_poll_cycle_seconds_bucket", [("le", number(bound))], "\(metrics.cycleBucketCounts[index])")
        }
        sample("tidings_poll_cycle_seconds_bucket", [("le", "+Inf")], "\(metrics.cycleCount)")
        sample("tidings_poll_cycle_seconds_sum", [], number(metrics.cycleSum))
        sample("tidings_poll_cycle_seconds_count", [], "\(metrics.cycleCount)")
        return out
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Label values: backslash, double quote and line feed escaped, as the format asks.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
