import Foundation
@testable import Pipeline
import Store
import Testing
import TestSupport

/// The judge stage takes an item's canonical URL from the cycle (`NewItem.withDedupKeys`) instead of reading the
/// item back: the alert's `canonical_url` and its id (derived from the canonical URL) must be the stored ones,
/// both when the item is judged in the cycle that fetched it and when it is judged after waiting in the window.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") || TestEnvironment.strict, "needs nginx"))
struct AlertCanonicalURLTests {
    static let story = (title: "Orlin ferries halted after pontoon breaks loose",
                        link: "https://Wire.Example.net/orlin-ferries?utm_source=rss&utm_medium=feed&id=7",
                        published: "Tue, 02 Jun 2026 08:05:00 GMT",
                        text: "The Orlin ferry service was halted on Tuesday after a pontoon broke loose in a storm, the operator said.")

    /// (stored canonical URL, alert's canonical_url, alert id, expected alert id).
    static func run(settle: String) async throws -> (stored: String?, alerted: String?, id: String, expectedID: String) {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-canonical")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        try nginx.publish("wire.xml", SettleWindowTests.rss("Wire", [story]))
        let configText = """
            [store]
            path = "\(directory.appendingPathComponent("t.db").path)"

            [coverage]
            settle = "\(settle)"

            [[feed]]
            url = "\(nginx.baseURL)/wire.xml"

            [[alert]]
            type = "log"
            path = "\(directory.appendingPathComponent("alerts.jsonl").path)"

            [[topic]]
            name = "ferries"
            query = 'Orlin AND (ferry OR ferries)'

            """
        let (config, services, cycle) = try await ChunkedCycleTests.openCycle(directory: directory, configText: configText)
        defer { ChunkedCycleTests.close(services) }
        _ = try await cycle.run(config: config, all: true)
        _ = try await cycle.run(config: config, all: true, judgeAtOnce: true)
        return try services.store.read { reader in
            let items = try reader.items(beforeID: nil, limit: 10)
            let alerts = try reader.recentAlerts(limit: 10)
            #expect(items.count == 1 && alerts.count == 1)
            let json = try JSONSerialization.jsonObject(with: Data((alerts.first?.payload ?? "{}").utf8)) as? [String: Any]
            let stored = items.first?.canonicalURL
            return (stored, (json?["article"] as? [String: Any])?["canonical_url"] as? String, alerts.first?.id ?? "",
                    AlertID.make(topic: "ferries", articleKey: stored ?? ""))
        }
    }

    @Test(arguments: ["0s", "1h"])
    func theAlertCarriesTheStoredCanonicalURL(_ settle: String) async throws {
        let result = try await Self.run(settle: settle)
        #expect(result.stored != nil && result.stored != Self.story.link, "tracking parameters stripped")
        #expect(result.alerted == result.stored)
        #expect(result.id == result.expectedID)
    }
}
