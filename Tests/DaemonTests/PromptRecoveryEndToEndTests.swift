import Foundation
import Testing
import TestSupport

/// Issue 17, items 3 and 6 through `tidings run`: a webhook that accepts and never answers holds back neither
/// polling nor the log sink; the daemon is SIGKILLed while its webhook claims are held, and the restarted daemon
/// delivers them at once, long before their lease (`AlertDelivery.claimLease`, 120 s) would have run out.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled && PostgresServer.isAvailable) || TestEnvironment.strict,
                             "needs the built tidings binary, nginx and PostgreSQL"))
struct PromptRecoveryEndToEndTests {
    @Test func claimsHeldAtASIGKILLAreDeliveredPromptlyAfterRestart() throws {
        let site = try ServedDirectory("tidings-recovery")
        defer { site.remove() }
        let (directory, feeds, nginx) = (site.directory, site.feeds, site.nginx)
        let postgres = try PostgresServer.shared()
        let database = try postgres.createDatabase(prefix: "recovery")
        let databaseName = String(database.split(separator: "/").last!)
        let silent = try SilentServer()
        defer { silent.stop() }
        let secret = "recovery-\(UInt32.random(in: 0...UInt32.max))"

        let stories = StoreOutageEndToEndTests.topics.indices.map(StoreOutageEndToEndTests.story)
        let feed = feeds.appendingPathComponent("wire.xml")
        try Fixture.write(Fixture.rss(title: "Wire", stories: [stories[0]]), to: feed)
        let alertLog = directory.appendingPathComponent("alerts.jsonl")
        let text = StoreOutageEndToEndTests.configText(store: database, feed: "\(nginx.baseURL)/wire.xml", alertLog: alertLog, extra: """

            [[alert]]
            type = "webhook"
            url = "http://127.0.0.1:\(silent.port)/hook"
            secret_env = "RECOVERY_SECRET"

            """)
        let config = directory.appendingPathComponent("tidings.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        func start(_ label: String) throws -> DaemonProcess {
            try DaemonProcess(arguments: ["run", "--config", config.path], environment: ["RECOVERY_SECRET": secret],
                              logFile: directory.appendingPathComponent("daemon-\(label).log"))
        }
        func sql(_ query: String) throws -> String { try postgres.psql(query, database: databaseName) }

        let first = try start("first")
        defer { first.kill9() }
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: alertLog).count == 1 }, "no first alert: \(first.log)")
        #expect(Fixture.eventually(seconds: 30) { silent.requestsSeen >= 1 }, "the webhook was never tried")

        // The webhook hangs (its request runs into a 30 s timeout); polling and the log sink go on meanwhile: the
        // second story's alert is logged while the first one's webhook request is still in its first attempt.
        try Fixture.write(Fixture.rss(title: "Wire", stories: [stories[0], stories[1]]), to: feed)
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: alertLog).count == 2 }, "no second alert: \(first.log)")
        let firstID = try #require(Fixture.alerts(in: alertLog).first?["id"] as? String)
        #expect(try sql("SELECT state || ':' || attempts FROM outbox WHERE alert_id = '\(firstID)' AND lease_owner IS NOT NULL") == "delivering:1",
                "the log sink waited for the hanging webhook")
        // The webhook sink's own loop is still in that batch: the second alert waits, unclaimed, behind it.
        #expect(try sql("SELECT count(*) FROM outbox WHERE state = 'delivering'") == "1")

        // SIGKILL with the webhook claim held; remember when its lease would end.
        first.kill9()
        _ = try sql("CREATE TABLE lease_marks AS SELECT alert_id, sink, lease_until FROM outbox WHERE state = 'delivering'")
        silent.stop()
        let receiver = try WebhookReceiver(directory: directory, secret: secret, port: silent.port)

        let second = try start("second")
        defer { second.kill9() }
        #expect(Fixture.eventually(seconds: 60) { Set(receiver.acceptedIDs()).count == 2 }, "not redelivered: \(second.log)")
        #expect(second.log.contains("took back what a dead predecessor held"), "\(second.log)")
        // Delivered before the dead daemon's leases ran out: taken back, not waited out.
        #expect(try sql("""
            SELECT count(*) FROM outbox o JOIN lease_marks m USING (alert_id, sink)
            WHERE o.state = 'delivered' AND o.delivered_at < m.lease_until
            """) == "1")
        #expect(receiver.deliveries().allSatisfy { $0.signatureOK == true })
        #expect(Set(Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String }).count == 2)

        second.signal(SIGTERM)
        #expect(second.waitForExit(seconds: 15) == 0, "\(second.log)")
    }
}
