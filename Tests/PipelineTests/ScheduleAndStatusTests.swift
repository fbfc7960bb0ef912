import Foundation
@testable import Store
import Testing
@testable import Pipeline

@Suite struct StatusReportTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func status(beatAgo: TimeInterval?, failingFeed: Bool = false, failedAlerts: Int64 = 0) -> StoreStatus {
        var counts = AlertCounts()
        counts[.failed] = failedAlerts
        let feed = FeedRecord(id: 1, configuredURL: "https://a.example/rss", url: "https://a.example/rss", name: nil,
                              active: true,
                              fetch: FeedFetchState(state: failingFeed ? .failing : .ok, nextDue: now,
                                                    consecutiveFailures: failingFeed ? 1 : 0,
                                                    lastError: failingFeed ? "http 500" : nil, lastFetch: now, lastSuccess: now),
                              itemCount: 3, leaseOwner: nil, leaseUntil: nil)
        let beats = beatAgo.map {
            [HeartbeatRecord(daemonID: "d", pid: 4242, host: "here", started: now.addingTimeInterval(-100), lastBeat: now.addingTimeInterval(-$0))]
        } ?? []
        return StoreStatus(store: "sqlite:/x.db", schemaVersion: 1, feeds: [feed],
                           totals: StoreTotals(feeds: 1, activeFeeds: 1, items: 3, events: 1), alerts: counts,
                           alertsBySink: [], recentAlerts: [], heartbeats: beats)
    }

    @Test func healthFollowsHeartbeatPidAndProblems() throws {
        let alive: (Int) -> Bool = { _ in true }
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: 5), now: now, hostName: "here", isAlive: alive).health == .healthy)
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: 31), now: now, hostName: "here", isAlive: alive).health == .notRunning)
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: nil), now: now, hostName: "here", isAlive: alive).health == .notRunning)
        #expect(StatusReport(configPath: "c", storeStatus: nil, now: now).health == .notRunning)
        // A fresh heartbeat from a dead pid on this host: not running. From another host: taken at its word.
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: 5), now: now, hostName: "here", isAlive: { _ in false }).health == .notRunning)
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: 5), now: now, hostName: "elsewhere", isAlive: { _ in false }).health == .healthy)
        let failing = StatusReport(configPath: "c", storeStatus: status(beatAgo: 5, failingFeed: true), now: now, hostName: "here", isAlive: alive)
        #expect(failing.health == .degraded)
        #expect(failing.problems.first?.contains("http 500") == true)
        #expect(StatusReport(configPath: "c", storeStatus: status(beatAgo: 5, failedAlerts: 2), now: now, hostName: "here", isAlive: alive).health == .degraded)
    }

    @Test func jsonHasTheContractKeys() throws {
        let report = StatusReport(configPath: "/etc/tidings/tidings.toml", storeStatus: status(beatAgo: 5), now: now,
                                  hostName: "here", isAlive: { _ in true })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any])
        for key in ["daemon", "config", "store", "feeds", "totals", "alerts", "recent_alerts"] { #expect(object[key] != nil, "\(key)") }
        let daemon = try #require(object["daemon"] as? [String: Any])
        #expect(daemon["running"] as? Bool == true)
        #expect(daemon["pid"] as? Int == 4242)
        #expect(daemon["heartbeat"] as? String == "2027-01-15T07:59:55Z")
        let feed = try #require((object["feeds"] as? [[String: Any]])?.first)
        for key in ["url", "state", "last_fetch", "last_success", "next_due", "failures", "last_error"] { #expect(feed.keys.contains(key), "\(key)") }
        let alerts = try #require(object["alerts"] as? [String: Any])
        for key in ["pending", "delivered", "failed", "by_sink"] { #expect(alerts[key] != nil, "\(key)") }
    }
}
