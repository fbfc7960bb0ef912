@testable import Config
import Feeds
import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// Issue 17, item 5 (the log sink's part): the alert log on a small tmpfs that fills up. Needs root for `mount`.
@Suite(.serialized, .enabled(if: getuid() == 0 || TestEnvironment.strict, "mounting a tmpfs needs root"))
struct DiskFullTests {
    @Test func aFullDiskHoldsBackOnlyItsLogAndRecoversWhenSpaceReturns() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-full-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (mount, filler) = try FullTmpfs.mount(kibibytes: 256)
        defer { FullTmpfs.unmount(mount) }
        let fullLog = mount.appendingPathComponent("alerts.jsonl")
        let otherLog = directory.appendingPathComponent("other.jsonl")
        let store = try StoreFactory.open(sqlitePath: directory.appendingPathComponent("t.db").path)
        defer { store.close() }
        // Lines far longer than any slack the filler left, so the first write is cut short or refused.
        let padding = String(repeating: "x", count: 20_000)
        let ids = (0..<4).map { "full\($0)" }
        try store.write { transaction in
            for id in ids {
                _ = try transaction.enqueueAlert(id: id, created: Date(), sinks: ["full", "other"],
                                                 payload: #"{"id":"\#(id)","pad":"\#(padding)"}"#)
            }
        }
        let sinks = try SinkSet([SinkSettings(name: "full", kind: .log(path: fullLog.path)),
                                 SinkSettings(name: "other", kind: .log(path: otherLog.path))])
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let delivery = AlertDelivery(store: store, fetcher: fetcher, owner: "daemon", logger: Logger(label: "test"))

        let first = await delivery.deliverOnce(sinks)
        #expect(first.delivered == 4 && first.retrying == 4, "\(first)")
        #expect(Set(FaultFixture.lines(otherLog).map { String($0.prefix(13)) }) == Set(ids.map { #"{"id":"\#($0)""# }))
        let rows = try store.read { reader in try ids.compactMap { try reader.outbox(alertID: $0).first { $0.sink == "full" } } }
        #expect(rows.count == 4 && rows.allSatisfy { $0.state == .pending })
        #expect(rows.allSatisfy { $0.lastError?.contains("disk full") == true && $0.lastError?.contains(fullLog.path) == true },
                "\(rows.map(\.lastError))")
        // Nothing half-written is left behind for the retry to follow.
        #expect(((try? FileManager.default.attributesOfItem(atPath: fullLog.path)[.size] as? Int) ?? 0) == 0)
        let status = StatusReport(configPath: "t.toml", storeStatus: try store.status(now: Date(), recentAlerts: 5))
        #expect(status.problems.contains { $0.hasPrefix("sink full: 4 being retried") && $0.contains("disk full") && $0.contains(fullLog.path) },
                "\(status.problems)")

        // Space returns: the retries (backoff from 1 s) deliver every alert, each line whole.
        try FileManager.default.removeItem(at: filler)
        var delivered = 0
        for _ in 0..<300 where delivered < 4 {
            let report = await delivery.deliverOnce(sinks)
            delivered += report.delivered
            if report.claimed == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered == 4)
        let lines = FaultFixture.lines(fullLog)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "a line was cut")
    }
}

