import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// Issue 17, the settle window: two outlets carry one story, the wire's original and a paper's reprint (the same
/// text under the paper's own standfirst, so not a byte-for-byte duplicate). Whichever feed the poller reaches
/// first, with a window the original is the new event and the reprint adds nothing; without one, the reprint
/// polled first becomes the "new event". Items waiting in the window are in the store: a restart between the two
/// fetches (the services closed and opened again) loses none of them.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") || TestEnvironment.strict, "needs nginx"))
struct SettleWindowTests {
    static let story = """
        A cargo barge struck the Quellin lock gates on Monday night, the canal authority said. \
        Lock keeper Ambrose Tillet said 14 boats were held upstream and the gates would stay shut until Thursday.
        """

    static func rss(_ title: String, _ items: [(title: String, link: String, published: String, text: String)]) -> String {
        var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title><link>https://example.org/</link><description>d</description>"
        for item in items {
            xml += "<item><title>\(item.title)</title><link>\(item.link)</link><guid>\(item.link)</guid>"
                + "<pubDate>\(item.published)</pubDate><description>\(item.text)</description></item>"
        }
        return xml + "</channel></rss>"
    }

    static let original = (title: "Barge strikes Quellin lock gates", link: "https://wire.example.net/quellin-lock",
                           published: "Mon, 01 Jun 2026 22:10:00 GMT", text: story)
    static let reprint = (title: "Quellin lock shut after barge strike", link: "https://paper.example.org/news/quellin",
                          published: "Mon, 01 Jun 2026 23:40:00 GMT", text: "From our wire service. " + story)

    enum Order { case reprintFirst, originalFirst }

    /// Verdicts by link after both feeds were fetched in two cycles (`order` says which feed had its story first),
    /// with `settle` in the config; with `restart`, the services are closed and opened again between the cycles.
    /// The last cycle runs with `judgeAtOnce` (as `poll --once` does), which judges everything still waiting.
    static func verdicts(order: Order, settle: String, restart: Bool = false) async throws -> [String: String] {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-settle")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        func write(_ name: String, _ text: String) throws { try nginx.publish(name, text) }
        let (first, second) = order == .reprintFirst ? (("paper.xml", reprint), ("wire.xml", original))
                                                     : (("wire.xml", original), ("paper.xml", reprint))
        try write("wire.xml", rss("Wire", []))
        try write("paper.xml", rss("Paper", []))
        let text = """
            [store]
            path = "\(directory.appendingPathComponent("t.db").path)"

            [coverage]
            settle = "\(settle)"

            [[feed]]
            url = "\(nginx.baseURL)/wire.xml"

            [[feed]]
            url = "\(nginx.baseURL)/paper.xml"

            [[topic]]
            name = "canals"
            query = 'Quellin AND (lock OR barge)'

            """
        var (config, services, cycle) = try await ChunkedCycleTests.openCycle(directory: directory, configText: text)
        defer { ChunkedCycleTests.close(services) }

        try write(first.0, rss(first.0, [first.1]))
        _ = try await cycle.run(config: config, all: true)
        if restart {
            ChunkedCycleTests.close(services)
            (config, services, cycle) = try await ChunkedCycleTests.openCycle(directory: directory, configText: text)
        }
        try write(second.0, rss(second.0, [second.1]))
        _ = try await cycle.run(config: config, all: true)
        let waiting = try services.store.read { try $0.settlingItems() }.count
        _ = try await cycle.run(config: config, all: true, judgeAtOnce: true)
        #expect(try services.store.read { try $0.settlingItems() }.isEmpty, "items left waiting after judging")

        var out: [String: String] = ["waiting": "\(waiting)"]
        try services.store.read { reader in
            for item in try reader.items(beforeID: nil, limit: 10) {
                for match in try reader.matches(itemID: item.id) { out[item.link ?? ""] = match.verdict ?? "?" }
            }
        }
        return out
    }

    @Test func theOriginalIsTheNewEventWhicheverFeedWasPolledFirst() async throws {
        let reprintFirst = try await Self.verdicts(order: .reprintFirst, settle: "1h")
        let originalFirst = try await Self.verdicts(order: .originalFirst, settle: "1h")
        // Both items waited (nothing was judged before the window ended) and were judged in publication order.
        #expect(reprintFirst["waiting"] == "2" && originalFirst["waiting"] == "2")
        #expect(reprintFirst[Self.original.link] == "new_event", "\(reprintFirst)")
        #expect(reprintFirst[Self.reprint.link] != nil && reprintFirst[Self.reprint.link] != "new_event", "\(reprintFirst)")
        #expect(reprintFirst == originalFirst)
    }

    @Test func waitingItemsSurviveARestart() async throws {
        let restarted = try await Self.verdicts(order: .reprintFirst, settle: "1h", restart: true)
        #expect(restarted[Self.original.link] == "new_event", "\(restarted)")
        #expect(restarted[Self.reprint.link] != nil && restarted[Self.reprint.link] != "new_event", "\(restarted)")
        #expect(restarted["waiting"] == "2")
    }

    /// The control: with no window, the poller's order decides (what the window is for).
    @Test func withoutAWindowTheReprintPolledFirstBecomesTheEvent() async throws {
        let atOnce = try await Self.verdicts(order: .reprintFirst, settle: "0s")
        #expect(atOnce["waiting"] == "0")
        #expect(atOnce[Self.reprint.link] == "new_event", "\(atOnce)")
        #expect(atOnce[Self.original.link] != "new_event", "\(atOnce)")
    }
}
