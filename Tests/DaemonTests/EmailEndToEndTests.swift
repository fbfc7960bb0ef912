import Foundation
import Testing
import TestSupport

/// The offline example (examples/) with e-mail sinks pointed at the aiosmtpd receiver on 127.0.0.1, through the
/// built binary: one threaded message per alert, and the digest printed and mailed.
@Suite(.serialized, .enabled(if: Fixture.binaryIsBuilt || TestEnvironment.strict, "needs the built tidings binary"))
struct EmailEndToEndTests {
    /// A copy of examples/ with `sink` appended to its configuration.
    static func example(in directory: URL, sink: String) throws -> URL {
        let examples = TestPaths.packageRoot.appendingPathComponent("examples")
        try FileManager.default.copyItem(at: examples.appendingPathComponent("feeds"), to: directory.appendingPathComponent("feeds"))
        let config = directory.appendingPathComponent("tidings.toml")
        let text = try String(contentsOf: examples.appendingPathComponent("tidings.toml"), encoding: .utf8)
        try (text + "\n" + sink).write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    static func emailSink(_ url: String, mode: String) -> String {
        """
        [[alert]]
        type = "email"
        name = "desk"
        smtp_url = "\(url)"
        starttls = false
        from = "tidings <alerts@example.org>"
        to = ["Desk <desk@example.org>"]
        mode = "\(mode)"
        """
    }

    @Test func eachAlertIsOneMessageThreadedToTheFirst() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let config = try Self.example(in: directory, sink: Self.emailSink(receiver.url, mode: "each"))
        let check = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", config.path])
        #expect(check.status == 0, "\(check.stderr)")
        let poll = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--all", "--config", config.path])
        #expect(poll.status == 0, "\(poll.stderr)")

        let alerts = Fixture.alerts(in: directory.appendingPathComponent("state/alerts.jsonl"))
        let received = receiver.accepted()
        try #require(alerts.count == 3 && received.count == 3, "alerts \(alerts.count), messages \(received.count)")
        #expect(alerts.map { $0["verdict"] as? String } == ["new_event", "new_facts", "new_facts"])
        let root = try #require(received[0].header("Message-ID"))
        #expect(received[0].header("Subject")?.hasPrefix("[alder-harbor-bridge] New event: ") == true)
        for (alert, message) in zip(alerts, received) {
            #expect(message.header("X-Tidings-Alert-Id") == alert["id"] as? String)
            let facts = alert["new_facts"] as? [String] ?? []
            #expect(!facts.isEmpty)
            for fact in facts { #expect(message.textPart.contains(fact), "\(fact)") }
            #expect(message["defects"] as? [String] == [])
        }
        for message in received.dropFirst() {
            #expect(message.header("Subject")?.hasPrefix("[alder-harbor-bridge] New facts: ") == true)
            #expect(message.header("In-Reply-To") == root)
            #expect(message.header("References") == root)
        }
        let status = try runProcess(TestPaths.tidingsBinary, ["status", "--json", "--config", config.path])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let sinks = (json?["alerts"] as? [String: Any])?["by_sink"]
        #expect("\(String(describing: sinks))".contains("desk"))
    }

    @Test func digestPrintsTheEventAndEveryFactOnceAndMailsIt() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let config = try Self.example(in: directory, sink: Self.emailSink(receiver.url, mode: "digest"))
        let poll = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--all", "--config", config.path])
        #expect(poll.status == 0, "\(poll.stderr)")
        // A digest sink is owed no single alert: the period's digest comes later.
        #expect(receiver.messages().isEmpty)

        let alerts = Fixture.alerts(in: directory.appendingPathComponent("state/alerts.jsonl"))
        let facts = alerts.flatMap { $0["new_facts"] as? [String] ?? [] }
        let title = try #require((alerts.first?["event"] as? [String: Any])?["title"] as? String)
        try #require(facts.count >= 5)

        let printed = try runProcess(TestPaths.tidingsBinary, ["digest", "--print", "--since", "365d", "--config", config.path])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.components(separatedBy: title).count == 2, "the event once:\n\(printed.stdout)")
        for fact in Set(facts) { #expect(printed.stdout.components(separatedBy: fact).count == 2, "once: \(fact)") }
        let unknown = try runProcess(TestPaths.tidingsBinary, ["digest", "--print", "--topic", "nope", "--config", config.path])
        #expect(unknown.status == 2 && unknown.stderr.contains("no such topic"))

        let queued = try runProcess(TestPaths.tidingsBinary, ["digest", "--since", "365d", "--config", config.path])
        #expect(queued.status == 0 && queued.stdout.contains("queued for desk: 1 event"), "\(queued.stdout)\(queued.stderr)")
        let send = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path])
        #expect(send.status == 0, "\(send.stderr)")
        let received = receiver.accepted()
        try #require(received.count == 1)
        #expect(received[0].header("Subject")?.contains("Digest") == true)
        for fact in Set(facts) { #expect(received[0].textPart.components(separatedBy: fact).count == 2, "mailed once: \(fact)") }
        #expect(received[0].htmlPart.contains("<h2>[alder-harbor-bridge]</h2>"))
    }

    /// SIGTERM after the server has the whole message but before its 250: the daemon waits for the reply (a few
    /// seconds at most), marks the alert delivered and exits, so the next daemon does not mail it again.
    @Test func aStopWhileTheServerRepliesStillMarksTheMessageDelivered() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, replyDelay: 2)
        let config = try Self.example(in: directory, sink: Self.emailSink(receiver.url, mode: "each"))
        let daemon = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("run.log"))
        defer { daemon.kill9() }
        #expect(Fixture.eventually(seconds: 90) { !receiver.messages().isEmpty }, "\(daemon.log)")
        daemon.signal(SIGTERM)  // the receiver holds its reply for 2 s after recording the message
        #expect(daemon.waitForExit(seconds: 10) == 0)
        #expect(receiver.messages().count == 1)
        let status = try runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path])
        #expect(status.stdout.contains(", 1 delivered, 0 failed"), "\(status.stdout)\n\(daemon.log)")
    }

    @Test func theDaemonRetriesA451AndThreadsEveryAlert() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, mode: .tempfail, failTimes: 1)
        let config = try Self.example(in: directory, sink: Self.emailSink(receiver.url, mode: "each"))
        let daemon = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("run.log"))
        defer { daemon.kill9() }
        #expect(Fixture.eventually(seconds: 90) { receiver.accepted().count >= 3 }, "\(receiver.messages().count) messages; \(daemon.log)")
        // The daemon marks a message delivered after the server's 250, a moment after the receiver has it: wait for
        // the mark before stopping, or a SIGTERM in between leaves it pending (to be re-sent under its Message-ID).
        let delivered = "desk: 0 pending, 3 delivered, 0 failed"
        #expect(Fixture.eventually(seconds: 30) {
            (try? runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path]))?.stdout.contains(delivered) == true
        }, "\(daemon.log)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0)

        let messages = receiver.messages()
        #expect(messages.first?["reply"] as? String == "451 4.3.0 try again later")
        let accepted = receiver.accepted()
        // The refused message came again under the same id; nothing else was repeated.
        #expect(Set(accepted.compactMap { $0.header("Message-ID") }).count == 3)
        #expect(accepted.count == 3)
        let root = accepted.first { $0.header("X-Tidings-Verdict") == "new_event" }?.header("Message-ID")
        #expect(root != nil)
        for message in accepted where message.header("X-Tidings-Verdict") == "new_facts" {
            #expect(message.header("In-Reply-To") == root)
        }
        let status = try runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path])
        #expect(status.stdout.contains(delivered), "\(status.stdout)")
    }
}
