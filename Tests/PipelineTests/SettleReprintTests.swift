import Foundation
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// Issue 17, the settle window and cross-feed dedup: a verbatim reprint (same title and text, another URL) is a
/// duplicate when stored, so before this the copy polled first kept the alert and the original became its
/// duplicate. Now an original arriving while its copy still waits takes the copy's place: whichever feed was
/// polled first, the original is the event's source, the copy its duplicate, and there is one alert. With
/// `settle` 0 nothing waits and the copy polled first stays the source (as before).
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") || TestEnvironment.strict, "needs nginx"))
struct SettleReprintTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static let text = """
        Ferry services across the Orlin estuary stopped on Tuesday after a pontoon at Marrow Quay broke loose, \
        the harbour board said. Skipper Wenna Calloway said three ferries were moored at Slade until repairs end.
        """
    static let original = (title: "Orlin ferries halted after pontoon breaks loose",
                           link: "https://wire.example.net/orlin-ferries?utm_source=rss",
                           published: "Tue, 02 Jun 2026 08:05:00 GMT", text: text)
    static let copy = (title: original.title, link: "https://mirror.example.org/2026/orlin-ferries?utm_medium=feed",
                       published: "Tue, 02 Jun 2026 09:30:00 GMT", text: text)

    struct Result: Equatable {
        var waiting = 0
        /// Links of the alerts' articles.
        var alertLinks: [String] = []
        /// Per alert: its `canonical_url` is the stored item's (tracking parameters stripped, so not the link) and
        /// its id is derived from it. The judge stage takes the canonical URL from the cycle, not from the store.
        var alertKeysAreStored: [Bool] = []
        /// Verdicts by link.
        var verdicts: [String: String] = [:]
        /// The item each link is a duplicate of, by link ("" for a primary).
        var duplicateOf: [String: String] = [:]
        /// Each event's timeline, as links.
        var timelines: [[String]] = []
    }

    static func run(_ backend: Backend, copyFirst: Bool, settle: String) async throws -> Result {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-reprint")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        func write(_ name: String, _ text: String) throws { try nginx.publish(name, text) }
        let store = switch backend {
        case .sqlite: "path = \"\(directory.appendingPathComponent("t.db").path)\""
        case .postgres: "url = \"\(try PostgresServer.shared().createDatabase(prefix: "reprint"))\""
        }
        try write("wire.xml", SettleWindowTests.rss("Wire", []))
        try write("mirror.xml", SettleWindowTests.rss("Mirror", []))
        let configText = """
            [store]
            \(store)

            [coverage]
            settle = "\(settle)"

            [[feed]]
            url = "\(nginx.baseURL)/wire.xml"

            [[feed]]
            url = "\(nginx.baseURL)/mirror.xml"

            [[alert]]
            type = "log"
            path = "\(directory.appendingPathComponent("alerts.jsonl").path)"

            [[topic]]
            name = "ferries"
            query = 'Orlin AND (ferry OR ferries)'

            """
        let (config, services, cycle) = try await ChunkedCycleTests.openCycle(directory: directory, configText: configText)
        defer { ChunkedCycleTests.close(services) }
        let steps = copyFirst ? [("mirror.xml", copy), ("wire.xml", original)] : [("wire.xml", original), ("mirror.xml", copy)]
        for (name, item) in steps {
            try write(name, SettleWindowTests.rss(name, [item]))
            _ = try await cycle.run(config: config, all: true)
        }
        var result = Result()
        result.waiting = try services.store.read { try $0.settlingItems() }.count
        _ = try await cycle.run(config: config, all: true, judgeAtOnce: true)
        try services.store.read { reader in
            let items = try reader.items(beforeID: nil, limit: 10)
            let links = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0.link ?? "") })
            for item in items {
                result.duplicateOf[item.link ?? ""] = item.duplicateOf.map { links[$0] ?? "?" } ?? ""
                for match in try reader.matches(itemID: item.id) { result.verdicts[item.link ?? ""] = match.verdict ?? "?" }
            }
            for alert in try reader.recentAlerts(limit: 10) {
                let json = try JSONSerialization.jsonObject(with: Data(alert.payload.utf8)) as? [String: Any]
                let article = json?["article"] as? [String: Any]
                let link = article?["url"] as? String ?? "?"
                result.alertLinks.append(link)
                let stored = items.first { $0.link == link }?.canonicalURL
                result.alertKeysAreStored.append(stored != nil && stored != link && article?["canonical_url"] as? String == stored
                                                 && alert.id == AlertID.make(topic: "ferries", articleKey: stored ?? ""))
            }
            for event in try reader.events(EventQuery()) {
                result.timelines.append(try reader.eventArticles(eventID: event.id).map { $0.url ?? "?" })
            }
        }
        return result
    }

    @Test(arguments: Backend.allCases)
    func theOriginalIsTheSourceWhicheverFeedWasPolledFirst(_ backend: Backend) async throws {
        let copyFirst = try await Self.run(backend, copyFirst: true, settle: "1h")
        let originalFirst = try await Self.run(backend, copyFirst: false, settle: "1h")
        // One item waited in each run (the other was its duplicate), and the original is the one judged.
        #expect(copyFirst.waiting == 1 && originalFirst.waiting == 1)
        #expect(copyFirst.alertLinks == [Self.original.link], "\(copyFirst)")
        #expect(copyFirst.alertKeysAreStored == [true], "\(copyFirst)")
        #expect(copyFirst.verdicts == [Self.original.link: "new_event"], "\(copyFirst)")
        #expect(copyFirst.duplicateOf == [Self.original.link: "", Self.copy.link: Self.original.link], "\(copyFirst)")
        #expect(copyFirst.timelines == [[Self.original.link]], "\(copyFirst)")
        #expect(copyFirst == originalFirst)
    }

    /// With no window the copy polled first is judged at once and stays the source: what the window changes.
    @Test(arguments: Backend.allCases)
    func withoutAWindowTheCopyPolledFirstStaysTheSource(_ backend: Backend) async throws {
        let atOnce = try await Self.run(backend, copyFirst: true, settle: "0s")
        #expect(atOnce.waiting == 0)
        #expect(atOnce.alertLinks == [Self.copy.link], "\(atOnce)")
        #expect(atOnce.alertKeysAreStored == [true], "\(atOnce)")
        #expect(atOnce.duplicateOf == [Self.copy.link: "", Self.original.link: Self.copy.link], "\(atOnce)")
    }
}
