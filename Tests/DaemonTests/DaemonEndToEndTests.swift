import Foundation
import Testing
import TestSupport

/// The daemon as a user runs it: the built `tidings` binary as a real process, feeds served by a real nginx,
/// alerts delivered to a JSON-lines log and to a real webhook receiver that checks signatures.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled) || TestEnvironment.strict, "needs the built tidings binary and nginx"))
final class DaemonEndToEndTests {
    let directory: URL
    let feeds: URL
    let nginx: NginxServer
    var receiver: WebhookReceiver?
    var daemon: DaemonProcess?
    let secret = "e2e-secret-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        directory = try TestPaths.makeTemporaryDirectory("tidings-e2e")
        feeds = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        nginx = try NginxServer.start(root: feeds)
    }

    deinit {
        daemon?.kill9()
        receiver?.stop()
        nginx.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - The invented event of these tests (not the example's: nothing here is tuned to one fixture)

    static let original = Fixture.Story(
        title: "Spillway gate fails at Lake Orrin dam, towns below told to prepare",
        link: "https://wire.example.net/orrin-dam-spillway-gate-fails",
        published: "Tue, 02 Jun 2026 06:00:00 GMT",
        paragraphs: [
            "A spillway gate at the Lake Orrin dam failed early on Tuesday, and officials told the towns of Brask and Ellory below the dam to prepare for higher water.",
            "The regional water board said the gate jammed half open during a routine test and water was flowing through it faster than planned.",
        ])
    static let reprint = Fixture.Story(
        title: "Spillway gate fails at Lake Orrin dam, towns below told to prepare",
        link: "https://daily.example.net/news/orrin-dam-gate",
        published: "Tue, 02 Jun 2026 06:30:00 GMT",
        paragraphs: original.paragraphs)
    static let update = Fixture.Story(
        title: "Lake Orrin dam: 2,300 residents evacuated as engineer Hanna Vik leads repair",
        link: "https://wire.example.net/orrin-dam-evacuation",
        published: "Tue, 02 Jun 2026 10:00:00 GMT",
        paragraphs: [
            "About 2,300 residents of Brask were evacuated on Tuesday after the spillway gate at the Lake Orrin dam failed, the regional water board said.",
            "\"We expect to close the gate by Thursday, June 4,\" said chief engineer Hanna Vik, who is leading the repair crew of 40 workers.",
        ])
    static let offTopic = Fixture.Story(
        title: "Ellory bakery wins national sourdough prize",
        link: "https://daily.example.net/news/ellory-bakery-prize",
        published: "Tue, 02 Jun 2026 08:00:00 GMT",
        paragraphs: ["A family bakery in Ellory won the national sourdough prize on Tuesday with a rye loaf baked in a wood oven."])

    // MARK: - Setup helpers

    /// Writes the configuration: nginx feeds, one topic, a log sink and a signed webhook sink.
    func writeConfig(feedNames: [String], extra: String = "", interval: String = "1s", webhook: Bool = true) throws -> URL {
        var text = """
            [store]
            path = "\(directory.path)/state/tidings.db"

            [poll]
            interval = "\(interval)"
            min_interval = "1s"
            timeout = "10s"

            [coverage]
            settle = "0s"

            """
        for name in feedNames { text += "[[feed]]\nurl = \"\(nginx.baseURL)/\(name)\"\n\n" }
        text += """
            [[topic]]
            name = "orrin-dam"
            query = '"Lake Orrin" AND (dam OR spillway)'

            [[alert]]
            type = "log"
            path = "\(directory.path)/state/alerts.jsonl"

            """
        if webhook, let receiver {
            text += """

                [[alert]]
                type = "webhook"
                url = "\(receiver.url)"
                secret_env = "E2E_WEBHOOK_SECRET"

                """
        }
        text += extra
        let url = directory.appendingPathComponent("tidings.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    var alertLog: URL { directory.appendingPathComponent("state/alerts.jsonl") }

    func startDaemon(config: URL) throws -> DaemonProcess {
        let process = try DaemonProcess(arguments: ["run", "--config", config.path],
                                        environment: ["E2E_WEBHOOK_SECRET": secret, "TIDINGS_LOG_LEVEL": "debug"],
                                        logFile: directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(6)).log"))
        daemon = process
        return process
    }

    func status(config: URL) throws -> (code: Int32, json: [String: Any]?) {
        let result = try runProcess(TestPaths.tidingsBinary, ["status", "--json", "--config", config.path])
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (result.status, json)
    }

    // MARK: - Tests

    @Test func feedsChangeBetweenCyclesAndTheRightAlertsArrive() throws {
        receiver = try WebhookReceiver(directory: directory, secret: secret)
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        try Fixture.write(Fixture.rss(title: "Daily", stories: [Self.offTopic]), to: feeds.appendingPathComponent("daily.xml"))
        let config = try writeConfig(feedNames: ["wire.xml", "daily.xml"])
        let daemon = try startDaemon(config: config)

        #expect(Fixture.eventually(seconds: 20) { Fixture.alerts(in: alertLog).count >= 1 }, "no first alert: \(daemon.log)")
        var alerts = Fixture.alerts(in: alertLog)
        #expect(alerts.map { $0["verdict"] as? String } == ["new_event"])
        #expect((alerts.first?["article"] as? [String: Any])?["url"] as? String == Self.original.link)

        // The status while running: valid JSON, running, healthy.
        #expect(Fixture.eventually(seconds: 10) { (try? status(config: config).code) == 0 }, "status never healthy")
        let (code, json) = try status(config: config)
        #expect(code == 0)
        let daemonJSON = try #require(json?["daemon"] as? [String: Any])
        #expect(daemonJSON["running"] as? Bool == true)
        #expect(daemonJSON["pid"] as? Int == Int(daemon.pid))
        #expect((json?["feeds"] as? [Any])?.count == 2)
        #expect((json?["recent_alerts"] as? [[String: Any]])?.first?["id"] as? String == alerts.first?["id"] as? String)

        // Next cycle: a reprint (silence), a fact-adding update (new_facts), an off-topic story (silence).
        try Fixture.write(Fixture.rss(title: "Daily", stories: [Self.offTopic, Self.reprint]), to: feeds.appendingPathComponent("daily.xml"))
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.update, Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        #expect(Fixture.eventually(seconds: 20) { Fixture.alerts(in: alertLog).count >= 2 }, "no second alert: \(daemon.log)")
        // Give the daemon a few more cycles to prove that nothing else is alerted.
        Thread.sleep(forTimeInterval: 3)
        alerts = Fixture.alerts(in: alertLog)
        #expect(alerts.map { $0["verdict"] as? String } == ["new_event", "new_facts"])
        let facts = (alerts.last?["new_facts"] as? [String] ?? []).joined(separator: " ")
        #expect(facts.contains("2,300"))
        #expect(facts.contains("Hanna Vik"))

        // The webhook got the same alerts, signed, each id accepted once.
        let ids = alerts.compactMap { $0["id"] as? String }
        #expect(Fixture.eventually(seconds: 10) { Set(self.receiver!.acceptedIDs()) == Set(ids) })
        #expect(receiver!.acceptedIDs().count == ids.count)
        #expect(receiver!.deliveries().allSatisfy { $0.signatureOK == true && $0.problems.isEmpty })

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0, "did not exit 0 within 10 s of SIGTERM: \(daemon.log)")
        // With the daemon gone, status says so: exit 2.
        #expect(try status(config: config).code == 2)
    }

    @Test func receiverDownForAWhileThenEveryAlertArrivesOnce() throws {
        let receiver = try WebhookReceiver(directory: directory, secret: secret)
        self.receiver = receiver
        try receiver.failNext(status: 503, retryAfter: 1, times: 2)
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        let config = try writeConfig(feedNames: ["wire.xml"])
        let daemon = try startDaemon(config: config)

        // The first deliveries meet 503 + Retry-After; then the receiver goes away altogether.
        #expect(Fixture.eventually(seconds: 20) { receiver.deliveries().count >= 2 }, "no delivery attempts: \(daemon.log)")
        receiver.stop()
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.update, Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        #expect(Fixture.eventually(seconds: 20) { Fixture.alerts(in: alertLog).count >= 2 }, "log sink stalled: \(daemon.log)")
        // While alerts wait for the receiver, status is degraded (alerts being retried): exit 1.
        #expect(Fixture.eventually(seconds: 10) { (try? status(config: config).code) == 1 })
        Thread.sleep(forTimeInterval: 2)
        try receiver.start()

        let ids = Set(Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String })
        #expect(ids.count == 2)
        #expect(Fixture.eventually(seconds: 40) { Set(receiver.acceptedIDs()) == ids }, "not every alert arrived: \(daemon.log)")
        Thread.sleep(forTimeInterval: 2)
        let accepted = receiver.acceptedIDs()
        #expect(accepted.count == Set(accepted).count, "an id arrived twice: \(accepted)")
        #expect(receiver.deliveries().allSatisfy { $0.signatureOK == true })
        #expect(receiver.deliveries().contains { $0.status == 503 })
        #expect(Fixture.eventually(seconds: 10) { (try? status(config: config).code) == 0 }, "status stayed degraded after delivery")

        daemon.signal(SIGINT)
        #expect(daemon.waitForExit(seconds: 10) == 0)
    }

    /// Starts a daemon whose webhook receiver holds every response for `replyDelay` seconds after recording the
    /// attempt, sends SIGTERM once the first attempt is recorded, checks the exit (0 within the 10 s contract) and
    /// returns the webhook sink's counts from `status` afterwards.
    func stopWhileTheReceiverHoldsItsResponse(for replyDelay: Double) throws -> (config: URL, webhook: [String: Any]) {
        let receiver = try WebhookReceiver(directory: directory, secret: secret, replyDelay: replyDelay)
        self.receiver = receiver
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        let config = try writeConfig(feedNames: ["wire.xml"])
        let daemon = try startDaemon(config: config)
        #expect(Fixture.eventually(seconds: 30) { !receiver.deliveries().isEmpty }, "no delivery attempt: \(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0, "did not exit 0 within 10 s of SIGTERM: \(daemon.log)")
        let alerts = try #require(status(config: config).json?["alerts"] as? [String: Any], "no alerts in status")
        let sinks = try #require(alerts["by_sink"] as? [[String: Any]], "\(alerts)")
        let webhook = try #require(sinks.first { ($0["sink"] as? String)?.contains("webhook") == true }, "\(sinks)")
        return (config, webhook)
    }

    /// SIGTERM after the receiver has the whole request but before its response: the daemon waits for the response
    /// (a few seconds at most), marks the alert delivered and exits, so the next daemon does not send it again.
    @Test func aStopWhileTheReceiverRespondsStillMarksTheAlertDelivered() throws {
        let (config, webhook) = try stopWhileTheReceiverHoldsItsResponse(for: 2)
        #expect(webhook["delivered"] as? Int == 1, "\(webhook)")
        #expect(webhook["pending"] as? Int == 0, "\(webhook)")

        // The next daemon has nothing left to send.
        let next = try startDaemon(config: config)
        #expect(Fixture.eventually(seconds: 20) { next.log.contains("polled 1 feeds") }, "\(next.log)")
        Thread.sleep(forTimeInterval: 2)
        next.signal(SIGTERM)
        #expect(next.waitForExit(seconds: 10) == 0)
        let attempts = receiver?.deliveries().map(\.id) ?? []
        #expect(attempts.count == 1, "sent again: \(attempts)")
    }

    /// A receiver that never answers in time does not hold the stop up: the wait ends after a few seconds, the
    /// daemon exits 0 within the 10 s contract, and the alert stays pending for the next daemon.
    @Test func aStopWhileTheReceiverStallsStillExitsInTime() throws {
        let (_, webhook) = try stopWhileTheReceiverHoldsItsResponse(for: 30)
        #expect(webhook["delivered"] as? Int == 0, "\(webhook)")
        #expect(webhook["pending"] as? Int == 1, "\(webhook)")
    }

    @Test func sighupWithABrokenConfigKeepsServingAndAGoodOneIsApplied() throws {
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        let config = try writeConfig(feedNames: ["wire.xml"], webhook: false)
        let daemon = try startDaemon(config: config)
        #expect(Fixture.eventually(seconds: 20) { Fixture.alerts(in: alertLog).count == 1 }, "\(daemon.log)")

        let good = try String(contentsOf: config, encoding: .utf8)
        try (good + "\n[[alert]]\ntype = \"carrier-pigeon\"\n[poll\n").write(to: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(Fixture.eventually(seconds: 10) { daemon.log.contains("reload rejected") }, "\(daemon.log)")
        #expect(daemon.isRunning)

        // Still serving the old configuration: a new story still alerts.
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.update, Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        #expect(Fixture.eventually(seconds: 20) { Fixture.alerts(in: alertLog).count == 2 }, "\(daemon.log)")
        // status rejects the broken file the same way: exit 78.
        #expect(try status(config: config).code == 78)

        // A good new configuration with a second feed is taken up without a restart.
        try Fixture.write(Fixture.rss(title: "Daily", stories: [Self.reprint, Self.offTopic]), to: feeds.appendingPathComponent("daily.xml"))
        try good.replacingOccurrences(of: "[[topic]]", with: "[[feed]]\nurl = \"\(nginx.baseURL)/daily.xml\"\n\n[[topic]]")
            .write(to: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(Fixture.eventually(seconds: 20) { nginx.accessLog().contains { $0.uri == "/daily.xml" } }, "\(daemon.log)")
        #expect(Fixture.eventually(seconds: 10) { (try? status(config: config).json?["feeds"] as? [Any])??.count == 2 })
        #expect(Fixture.alerts(in: alertLog).count == 2, "a reprint alerted")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0)
    }

    @Test func sigkillMidCycleThenRestartLosesNothing() throws {
        // 16 feeds, each with its own on-topic story, served slowly (2 KB/s, uncompressed: about 4 s per feed,
        // 4 at a time) so the cycle takes seconds and the kill lands in its middle.
        var names: [String] = []
        for index in 0..<16 {
            let story = Fixture.Story(
                title: "Lake Orrin dam inspection report \(index): gate \(index + 1) checked",
                link: "https://wire.example.net/orrin-dam-report-\(index)",
                published: "Tue, 02 Jun 2026 \(String(format: "%02d", 6 + index % 12)):\(String(format: "%02d", index)):00 GMT",
                paragraphs: [
                    "Inspectors at the Lake Orrin dam checked gate \(index + 1) on Tuesday and logged \(100 + index * 7) readings.",
                    "Inspector number \(index) wrote that the spillway channel near marker \(index * 3) showed \(index + 2) cracks.",
                    String(repeating: "Background filler text about the valley and its weather. ", count: 130),
                ])
            let name = "slow-\(index).xml"
            try Fixture.write(Fixture.rss(title: "Feed \(index)", stories: [story]), to: feeds.appendingPathComponent(name))
            names.append(name)
        }
        // The reference: the same feeds judged in one uninterrupted pass (file: copies, separate store).
        let referenceDirectory = directory.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: referenceDirectory, withIntermediateDirectories: true)
        var reference = "[store]\npath = \"\(referenceDirectory.path)/tidings.db\"\n\n"
        for name in names { reference += "[[feed]]\nurl = \"file://\(feeds.path)/\(name)\"\n\n" }
        reference += """
            [[topic]]
            name = "orrin-dam"
            query = '"Lake Orrin" AND (dam OR spillway)'

            [[alert]]
            type = "log"
            path = "\(referenceDirectory.path)/alerts.jsonl"

            """
        let referenceConfig = referenceDirectory.appendingPathComponent("tidings.toml")
        try reference.write(to: referenceConfig, atomically: true, encoding: .utf8)
        let referenceRun = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", referenceConfig.path])
        #expect(referenceRun.status == 0, "\(referenceRun.stderr)")
        let expected = Set(Fixture.alerts(in: referenceDirectory.appendingPathComponent("alerts.jsonl")).compactMap { $0["id"] as? String })
        #expect(expected.count >= 1)

        let slow = "location ~ ^/slow- { limit_rate 2k; gzip off; }"
        let slowNginx = try NginxServer.start(root: feeds, extraServerConfig: slow)
        defer { slowNginx.stop() }
        var text = "[store]\npath = \"\(directory.path)/state/tidings.db\"\n\n[poll]\ninterval = \"1h\"\nper_host = 4\n\n"
            + "[coverage]\nsettle = \"0s\"\n\n"
        for name in names { text += "[[feed]]\nurl = \"\(slowNginx.baseURL)/\(name)\"\n\n" }
        text += reference.components(separatedBy: "[[topic]]").last.map { "[[topic]]" + $0 }!
            .replacingOccurrences(of: "\(referenceDirectory.path)/alerts.jsonl", with: alertLog.path)
        let config = directory.appendingPathComponent("tidings.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)

        let first = try startDaemon(config: config)
        #expect(Fixture.eventually(seconds: 20) { slowNginx.accessLog().count >= 1 }, "never started fetching: \(first.log)")
        first.signal(SIGKILL)
        _ = first.waitForExit(seconds: 5)
        let fetchedBeforeKill = slowNginx.accessLog().count
        #expect(fetchedBeforeKill < names.count, "the cycle was over before the kill; the test proves nothing")

        let second = try startDaemon(config: config)
        #expect(Fixture.eventually(seconds: 60) {
            Set(Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String }) == expected
        }, "alerts after restart differ from the uninterrupted run: \(second.log)")
        let logged = Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String }
        #expect(logged.count == Set(logged).count, "an alert was logged twice")
        second.signal(SIGTERM)
        #expect(second.waitForExit(seconds: 10) == 0)
    }

    @Test func statusExitCodesFollowHealth() throws {
        try Fixture.write(Fixture.rss(title: "Wire", stories: [Self.original]), to: feeds.appendingPathComponent("wire.xml"))
        // No store yet: nothing running (2), and the store is not created by asking.
        let config = try writeConfig(feedNames: ["wire.xml", "missing.xml"], webhook: false)
        #expect(try status(config: config).code == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/tidings.db").path))

        let daemon = try startDaemon(config: config)
        // A feed answering 404 makes the running daemon degraded: exit 1, with the reason in the JSON.
        #expect(Fixture.eventually(seconds: 20) { (try? status(config: config).code) == 1 }, "\(daemon.log)")
        let (_, json) = try status(config: config)
        let feedsJSON = try #require(json?["feeds"] as? [[String: Any]])
        let missing = try #require(feedsJSON.first { ($0["url"] as? String)?.hasSuffix("/missing.xml") == true })
        #expect(["failing", "backing_off"].contains(missing["state"] as? String ?? ""))
        #expect((missing["last_error"] as? String)?.contains("404") == true)
        #expect((json?["totals"] as? [String: Any])?["feeds"] as? Int == 2)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0)
        #expect(try status(config: config).code == 2)

        // An invalid configuration: 78 and a message naming the file and line.
        let broken = directory.appendingPathComponent("broken.toml")
        try "[poll]\ninterval = \"soon\"\n".write(to: broken, atomically: true, encoding: .utf8)
        let result = try runProcess(TestPaths.tidingsBinary, ["status", "--config", broken.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("broken.toml:2"))
    }
}
