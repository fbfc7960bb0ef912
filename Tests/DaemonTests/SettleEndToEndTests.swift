import Foundation
import Testing
import TestSupport

/// Issue 17, the settle window through `tidings run`: an on-topic story waits in the store (table `settling`), not
/// in memory. The daemon is SIGKILLed while the story waits; the next daemon judges it when the window ends, once.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled) || TestEnvironment.strict,
                             "needs the built tidings binary and nginx"))
struct SettleEndToEndTests {
    @Test func aStoryWaitingInTheWindowSurvivesASIGKILL() throws {
        let site = try ServedDirectory("tidings-settle-e2e")
        defer { site.remove() }
        let (directory, feeds, nginx) = (site.directory, site.feeds, site.nginx)
        let feed = feeds.appendingPathComponent("wire.xml")
        try Fixture.write(Fixture.rss(title: "Wire", stories: [StoreOutageEndToEndTests.story(0)]), to: feed)
        let alertLog = directory.appendingPathComponent("alerts.jsonl")
        let database = directory.appendingPathComponent("state/t.db")
        let text = StoreOutageEndToEndTests.configText(store: database.path, storeKey: "path", feed: "\(nginx.baseURL)/wire.xml",
                                                       alertLog: alertLog)
            .replacingOccurrences(of: "settle = \"0s\"", with: "settle = \"20s\"")
        let config = directory.appendingPathComponent("tidings.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        func waiting() -> Int {
            let result = try? runProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM settling').fetchone()[0])",
                database.path])
            return Int(result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        }

        let first = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("first.log"))
        defer { first.kill9() }
        #expect(Fixture.eventually(seconds: 30) { waiting() == 1 }, "the story never waited in the store: \(first.log)")
        #expect(Fixture.alerts(in: alertLog).isEmpty, "judged before its window ended")
        first.kill9()

        let second = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("second.log"))
        defer { second.kill9() }
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: alertLog).count == 1 }, "the waiting story was lost: \(second.log)")
        #expect(waiting() == 0)
        #expect(Fixture.alerts(in: alertLog).first?["verdict"] as? String == "new_event")
        second.signal(SIGTERM)
        #expect(second.waitForExit(seconds: 15) == 0, "\(second.log)")
    }
}
