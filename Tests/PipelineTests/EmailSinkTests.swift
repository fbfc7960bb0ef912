@testable import Config
import Feeds
import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport
import Support

/// Alerts and digests by e-mail, against the real aiosmtpd receiver of Tests/Fixtures on 127.0.0.1, whose
/// records are what Python's `email` package made of each message.
@Suite(.serialized) struct EmailSinkTests {
    static let event = Alert.Event(id: "evt_0123abcd", title: "Ship strikes the Alder Harbor Bridge",
                                   firstSeen: Date(timeIntervalSince1970: 1_773_475_800), articles: 1)

    static func alert(_ number: Int, verdict: AlertVerdict, title: String, facts: [String], created: Date = Date()) -> Alert {
        var event = Self.event
        event.articles = number
        return Alert(id: AlertID.make(topic: "bridge", articleKey: "https://news.example.org/\(number)"), created: created,
                     topic: "bridge", verdict: verdict, event: event,
                     article: .init(title: title, url: "https://news.example.org/\(number)", feed: "https://news.example.org/rss",
                                    published: Date(timeIntervalSince1970: 1_773_475_800 + Double(number) * 600)),
                     newFacts: facts)
    }

    static func sink(_ url: String, starttls: Bool = false, caFile: String? = nil, mode: EmailSettings.Mode = .each,
                     eventPageBase: String? = nil, username: String? = nil, password: String? = nil,
                     from: String = "tidings <alerts@example.org>") -> EmailSink {
        let settings = EmailSettings(smtpURL: url, starttls: starttls, from: from,
                                     to: ["Zoë Desk <desk@example.org>", "ops@example.org"], username: username,
                                     password: password.map(WebhookSecret.init), mode: mode, caFile: caFile)
        return EmailSink(settings: settings, topics: nil,
                         feeds: [FeedSettings(url: "https://news.example.org/rss", name: "North Shore News")],
                         eventPageBase: eventPageBase)
    }

    static func claim(_ alert: Alert) -> OutboxAlert {
        OutboxAlert(alertID: alert.id, sink: "mail", payload: alert.renderJSON(), state: .delivering, attempts: 1,
                    nextAttempt: Date(), lastError: nil, created: alert.created, leaseOwner: "test", leaseUntil: nil,
                    deliveredAt: nil)
    }

    @Test func oneMessagePerAlertThreadedToTheEventsFirst() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let sink = Self.sink(receiver.url, eventPageBase: "http://127.0.0.1:8080/")
        let alerts = [
            Self.alert(1, verdict: .newEvent, title: "Ship strikes bridge", facts: ["The ship Northern Tern hit a pier."]),
            Self.alert(2, verdict: .newFacts, title: "Bridge shut for divers", facts: ["Divers inspect 14 piers.", "Repairs cost $42 million."]),
            Self.alert(3, verdict: .newFacts, title: "Ferries doubled", facts: ["Ferry service doubles from Monday."]),
        ]
        for alert in alerts {
            let failure = await sink.send(Self.claim(alert), timeout: 20)
            #expect(failure == nil)
        }
        let received = receiver.accepted()
        try #require(received.count == 3)
        let root = try #require(received[0].header("Message-ID"))
        #expect(root == "<event-evt_0123abcd.bridge@example.org>".replacingOccurrences(of: "_", with: "-"))
        #expect(received[0].header("In-Reply-To") == nil)
        for (index, message) in received.enumerated() {
            #expect(message["defects"] as? [String] == [])
            #expect(message["mail_from"] as? String == "alerts@example.org")
            #expect(message["rcpt_tos"] as? [String] == ["desk@example.org", "ops@example.org"])
            #expect(message.header("To") == "Zoë Desk <desk@example.org>, ops@example.org")
            #expect(message.header("Auto-Submitted") == "auto-generated")
            #expect(message.header("List-Id")?.contains("<bridge.alerts.example.org>") == true)
            #expect(message.header("Date") != nil)
            #expect(message["content_type"] as? String == "multipart/alternative")
            #expect((message["longest_line"] as? Int ?? 999) <= 78)
            #expect(message["non_ascii_bytes"] as? Bool == false)
            #expect(message.header("Subject") == "[bridge] \(index == 0 ? "New event" : "New facts"): \(alerts[index].article.title)")
            for fact in alerts[index].newFacts {
                #expect(message.textPart.contains(fact))
                #expect(message.htmlPart.contains("<li>\(HTMLEscape.text(fact))</li>"))
            }
            #expect(message.textPart.contains("North Shore News"))
            #expect(message.textPart.contains("http://127.0.0.1:8080/events/evt_0123abcd"))
            if index > 0 {
                #expect(message.header("In-Reply-To") == root)
                #expect(message.header("References") == root)
                #expect(message.header("Message-ID") != root)
            }
        }
    }

    @Test func nonASCIITitleAndHeaderInjectionRoundTrip() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let title = "Brücke über die Förde gesperrt — Schäden von 42 Mio. € nach Kollision; 港湾大桥关闭 🚢 Ελληνικά"
        let hostile = "Quiet title\r\nBcc: victim@example.net"
        let fact = "Der Hafenkapitän sagte: „Wir öffnen erst nach der Prüfung.“\n.\nA dot line = end?"
        for alert in [Self.alert(1, verdict: .newEvent, title: title, facts: [fact]),
                      Self.alert(2, verdict: .newFacts, title: hostile, facts: ["x"])] {
            #expect(await Self.sink(receiver.url, from: "Nachrichten für Zoë <alerts@example.org>").send(Self.claim(alert), timeout: 20) == nil)
        }
        let received = receiver.accepted()
        try #require(received.count == 2)
        #expect(received[0].header("Subject") == "[bridge] New event: \(title)")
        #expect(received[0].header("From") == "Nachrichten für Zoë <alerts@example.org>")
        #expect(received[0].header("List-Id") == "tidings bridge <bridge.alerts.example.org>")
        #expect(received[0].textPart.contains(fact.replacingOccurrences(of: "\n", with: "\r\n"))
                || received[0].textPart.contains(fact))
        #expect(received[0].htmlPart.contains("Brücke über die Förde"))
        // No web page configured: no link to an event page.
        #expect(!received[0].textPart.contains("Event page") && !received[0].htmlPart.contains("/events/"))
        #expect((received[0]["longest_line"] as? Int ?? 999) <= 78)
        #expect(received[0]["non_ascii_bytes"] as? Bool == false)
        #expect(received[1].header("Subject") == "[bridge] New facts: Quiet title  Bcc: victim@example.net")
        #expect(received[1]["rcpt_tos"] as? [String] == ["desk@example.org", "ops@example.org"])
        #expect(received.allSatisfy { $0["defects"] as? [String] == [] })
    }

    @Test func aStallingServerIsGivenUpOnWithinTheTimeout() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, mode: .stall)
        let failure = await Self.sink(receiver.url).send(Self.claim(Self.alert(1, verdict: .newEvent, title: "t", facts: [])), timeout: 2)
        guard case .transient(let why)? = failure else { Issue.record("expected a transient failure, got \(String(describing: failure))"); return }
        #expect(why.lowercased().contains("timeout") || why.lowercased().contains("timed out"))
    }

    @Test func starttlsWithACertificateTrustedExplicitly() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tls = try SMTPReceiver.makeSelfSignedCertificate(in: directory)
        let receiver = try SMTPReceiver(directory: directory, tls: tls)
        let alert = Self.alert(1, verdict: .newEvent, title: "Sent under TLS", facts: ["A fact."])

        // Without trusting the certificate, nothing is sent: the failure is worth retrying (a config fix).
        let untrusted = await Self.sink(receiver.url, starttls: true).send(Self.claim(alert), timeout: 20)
        guard case .transient? = untrusted else { Issue.record("an untrusted certificate was accepted: \(String(describing: untrusted))"); return }
        #expect(receiver.messages().isEmpty)

        let trusted = await Self.sink(receiver.url, starttls: true, caFile: tls.certificate).send(Self.claim(alert), timeout: 20)
        #expect(trusted == nil)
        let received = receiver.accepted()
        try #require(received.count == 1)
        #expect(received[0]["tls"] as? Bool == true)
        #expect(received[0].header("Subject") == "[bridge] New event: Sent under TLS")
    }

    @Test func aRefusedRecipientFailsTheMessageForGood() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, refuseRecipient: "ops@example.org")
        let failure = await Self.sink(receiver.url).send(Self.claim(Self.alert(1, verdict: .newEvent, title: "t", facts: [])), timeout: 20)
        guard case .permanent(let why)? = failure else { Issue.record("expected a permanent failure, got \(String(describing: failure))"); return }
        #expect(why.contains("550"))
        #expect(receiver.accepted().isEmpty)
        #expect(receiver.messages().first?["refused_rcpt"] as? String == "ops@example.org")
    }

    @Test func authenticatesUnderTLSAndAWrongPasswordFailsForGood() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tls = try SMTPReceiver.makeSelfSignedCertificate(in: directory)
        let receiver = try SMTPReceiver(directory: directory, tls: tls, auth: "alerts:s3cret pass")
        let alert = Self.alert(1, verdict: .newEvent, title: "Authenticated", facts: ["A fact."])
        let wrong = await Self.sink(receiver.url, starttls: true, caFile: tls.certificate, username: "alerts", password: "guess")
            .send(Self.claim(alert), timeout: 20)
        guard case .permanent(let why)? = wrong else { Issue.record("a wrong password was not a permanent failure: \(String(describing: wrong))"); return }
        #expect(why.contains("535"))
        #expect(receiver.messages().isEmpty)
        let right = await Self.sink(receiver.url, starttls: true, caFile: tls.certificate, username: "alerts", password: "s3cret pass")
            .send(Self.claim(alert), timeout: 20)
        #expect(right == nil)
        #expect(receiver.accepted().first?["authenticated_as"] as? String == "alerts")
    }

    // MARK: through the outbox

    static func outbox(_ directory: URL) throws -> SQLiteStore {
        try StoreFactory.open(sqlitePath: directory.appendingPathComponent("t.db").path)
    }

    static func sinkSet(_ url: String, name: String = "mail", mode: EmailSettings.Mode = .each, sendEmpty: Bool = false) throws -> SinkSet {
        try SinkSet([SinkSettings(name: name, kind: .email(EmailSettings(smtpURL: url, starttls: false, from: "alerts@example.org",
                                                                         to: ["desk@example.org"], mode: mode, sendEmpty: sendEmpty)))])
    }

    @Test func anEmptyPeriodSendsNothingUnlessSendEmpty() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let store = try Self.outbox(directory)
        defer { store.close() }
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let quiet = try Self.sinkSet(receiver.url, name: "quiet", mode: .digest)
        let chatty = try Self.sinkSet(receiver.url, name: "chatty", mode: .digest, sendEmpty: true)
        let queue = DigestQueue(store: store, logger: Logger(label: "test"))
        #expect(await queue.enqueueDue(quiet).isEmpty)
        #expect(await queue.enqueueDue(chatty).count == 1)
        _ = await AlertDelivery(store: store, fetcher: fetcher, owner: "test", logger: Logger(label: "test")).drain(chatty)
        let received = receiver.accepted()
        try #require(received.count == 1)
        #expect(received[0].header("Subject")?.hasSuffix("nothing new") == true)
        #expect(received[0].textPart.contains("No alerts in this period."))
    }

    @Test func a451IsRetriedWithBackoffUntilTheServerRecovers() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, mode: .tempfail, failTimes: 2)
        let store = try Self.outbox(directory)
        defer { store.close() }
        let alert = Self.alert(1, verdict: .newEvent, title: "Retried", facts: ["A fact."])
        try store.write { _ = try $0.enqueueAlert(id: alert.id, created: alert.created, sinks: ["mail"], payload: alert.renderJSON()) }
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let delivery = AlertDelivery(store: store, fetcher: fetcher, owner: "test", logger: Logger(label: "test"))
        let sinks = try Self.sinkSet(receiver.url)

        let first = await delivery.deliverOnce(sinks)
        #expect(first.retrying == 1 && first.delivered == 0)
        let row = try #require(try store.read { try $0.outbox(alertID: alert.id) }.first)
        #expect(row.state == .pending)
        #expect(row.lastError?.contains("451") == true)
        #expect(row.nextAttempt > Date())

        // The webhook backoff (1 s, then 2 s, with jitter) brings it round again; no fixed wait is asserted.
        var delivered = 0
        for _ in 0..<300 where delivered == 0 {
            delivered += await delivery.deliverOnce(sinks).delivered
            if delivered == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered == 1)
        #expect(receiver.messages().map { String(($0["reply"] as? String ?? "").prefix(3)) } == ["451", "451", "250"])
        #expect(try store.read { try $0.outbox(alertID: alert.id) }.first?.state == .delivered)
    }

    @Test func a550FailsAtOnceAndShowsInStatus() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory, mode: .refuse)
        let store = try Self.outbox(directory)
        defer { store.close() }
        let alert = Self.alert(1, verdict: .newEvent, title: "Refused", facts: ["A fact."])
        try store.write { _ = try $0.enqueueAlert(id: alert.id, created: alert.created, sinks: ["mail"], payload: alert.renderJSON()) }
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let delivery = AlertDelivery(store: store, fetcher: fetcher, owner: "test", logger: Logger(label: "test"))

        let report = await delivery.deliverOnce(try Self.sinkSet(receiver.url))
        #expect(report.failed == 1 && report.retrying == 0)
        let row = try #require(try store.read { try $0.outbox(alertID: alert.id) }.first)
        #expect(row.state == .failed)
        #expect(row.lastError?.contains("550") == true)
        let status = try store.status(now: Date(), recentAlerts: 10)
        #expect(status.alertsBySink.first { $0.sink == "mail" }?.counts[.failed] == 1)
        #expect(receiver.messages().count == 1)
    }

    @Test func aDigestPeriodIsOwedOnceAcrossRestartsAndSentOnce() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-email")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try SMTPReceiver(directory: directory)
        let store = try Self.outbox(directory)
        defer { store.close() }
        // Alerts of yesterday's period (08:00 to 08:00 UTC), in a store that has only a digest sink.
        let schedule = DigestSchedule(every: 86_400, atMinutes: 8 * 60, timeZone: TimeZone(identifier: "UTC")!)
        let period = schedule.lastPeriod(before: Date().addingTimeInterval(-DigestQueue.settleDelay))
        let inside = period.start.addingTimeInterval(3600)
        let alerts = [
            Self.alert(1, verdict: .newEvent, title: "Ship strikes bridge", facts: ["Fact one.", "Fact two."], created: inside),
            Self.alert(2, verdict: .newFacts, title: "Divers", facts: ["Fact three.", "Fact one."], created: inside.addingTimeInterval(60)),
        ]
        for alert in alerts {
            try store.write { _ = try $0.enqueueAlert(id: alert.id, created: alert.created, sinks: [], payload: alert.renderJSON()) }
        }
        let sinks = try Self.sinkSet(receiver.url, name: "daily", mode: .digest)
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let first = DigestQueue(store: store, logger: Logger(label: "test"))
        let owed = await first.enqueueDue(sinks)
        #expect(owed == [DigestQueue.digestID(sink: "daily", end: period.end)])
        #expect(await first.enqueueDue(sinks).isEmpty)
        // A restarted daemon (a fresh queue with no memory) finds the period already owed.
        #expect(await DigestQueue(store: store, logger: Logger(label: "test")).enqueueDue(sinks).isEmpty)

        let delivery = AlertDelivery(store: store, fetcher: fetcher, owner: "test", logger: Logger(label: "test"))
        _ = await delivery.drain(sinks)
        _ = await AlertDelivery(store: store, fetcher: fetcher, owner: "test2", logger: Logger(label: "test")).drain(sinks)
        let received = receiver.accepted()
        try #require(received.count == 1)
        let text = received[0].textPart
        #expect(received[0].header("Subject")?.contains("Digest") == true)
        for fact in ["Fact one.", "Fact two.", "Fact three."] {
            #expect(text.components(separatedBy: fact).count == 2, "\(fact) once")
        }
        #expect(text.components(separatedBy: "Ship strikes the Alder Harbor Bridge").count == 2)
        // The digest is not an alert: status's recent alerts leave it out.
        #expect(try store.status(now: Date(), recentAlerts: 10).recentAlerts.map(\.id).sorted() == alerts.map(\.id).sorted())
    }
}

@Suite struct MIMEEncodingTests {
    @Test func quotedPrintableKeepsLinesShortAndDecodesBack() {
        let text = String(repeating: "Zoë = 1,840 containers; ", count: 12) + "\n.\ntrailing space \n"
        let encoded = MIMEEncoding.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76)
            #expect(!line.hasPrefix("."))
            #expect(!line.hasSuffix(" "))
        }
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        // Decode: soft breaks out, =XX back to bytes.
        var bytes: [UInt8] = []
        let joined = Array(encoded.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < joined.count {
            if joined[index] == UInt8(ascii: "="), let value = UInt8(String(decoding: joined[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(joined[index])
                index += 1
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func encodedWordsStayShortAndSplitBetweenCharacters() {
        let text = String(repeating: "港湾大桥 🚢 ", count: 10)
        let header = MIMEEncoding.header("Subject", text)
        var decoded = ""
        for line in header.components(separatedBy: "\r\n") {
            #expect(line.count <= 78)
            for word in line.split(separator: " ") where word.hasPrefix("=?UTF-8?B?") {
                #expect(word.count <= 75)
                let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
                let data = Data(base64Encoded: String(payload))
                #expect(data != nil)
                // Each word decodes on its own: no UTF-8 sequence is cut.
                #expect(data.flatMap { String(data: $0, encoding: .utf8) } != nil)
                decoded += data.flatMap { String(data: $0, encoding: .utf8) } ?? ""
            }
        }
        #expect(decoded == text)
    }

    @Test func mailboxesAreQuotedOrEncodedAsNeeded() {
        #expect(MIMEEncoding.mailbox("desk@example.org") == "desk@example.org")
        #expect(MIMEEncoding.mailbox("tidings <a@example.org>") == "tidings <a@example.org>")
        #expect(MIMEEncoding.mailbox("Desk, Night <a@example.org>") == "\"Desk, Night\" <a@example.org>")
        #expect(MIMEEncoding.mailbox("Zoë <a@example.org>").hasPrefix("=?UTF-8?B?"))
    }
}

@Suite struct DigestScheduleTests {
    static func date(_ text: String) -> Date { ISO8601Time.parse(text)! }

    @Test func dailyAtEightInUTC() {
        let schedule = DigestSchedule(every: 86_400, atMinutes: 480, timeZone: TimeZone(identifier: "UTC")!)
        let before = schedule.lastPeriod(before: Self.date("2026-03-14T07:59:00Z"))
        #expect(before.end == Self.date("2026-03-13T08:00:00Z") && before.start == Self.date("2026-03-12T08:00:00Z"))
        let at = schedule.lastPeriod(before: Self.date("2026-03-14T08:00:00Z"))
        #expect(at.end == Self.date("2026-03-14T08:00:00Z"))
    }

    @Test func localTimeHoldsAcrossDaylightSaving() {
        // Berlin moves to summer time on 29 March 2026: 08:00 local is 07:00Z before and 06:00Z after.
        let schedule = DigestSchedule(every: 86_400, atMinutes: 480, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let period = schedule.lastPeriod(before: Self.date("2026-03-29T12:00:00Z"))
        #expect(period.end == Self.date("2026-03-29T06:00:00Z"))
        #expect(period.start == Self.date("2026-03-28T07:00:00Z"))
    }

    @Test func weeklyPeriodsEndOnOneWeekdayWhateverDayItIsAsked() {
        let schedule = DigestSchedule(every: 7 * 86_400, atMinutes: 480, timeZone: TimeZone(identifier: "UTC")!)
        var ends: Set<Date> = []
        for day in 0..<7 { ends.insert(schedule.lastPeriod(before: Self.date("2026-03-09T12:00:00Z").addingTimeInterval(Double(day) * 86_400)).end) }
        #expect(ends.count == 1)
        let end = ends.first!
        #expect(Calendar(identifier: .gregorian).component(.weekday, from: end) == 2)  // Monday, the grid's anchor
    }

    @Test func subDailyPeriodsTileTheDay() {
        let schedule = DigestSchedule(every: 6 * 3600, atMinutes: 0, timeZone: TimeZone(identifier: "UTC")!)
        let period = schedule.lastPeriod(before: Self.date("2026-03-14T13:30:00Z"))
        #expect(period.end == Self.date("2026-03-14T12:00:00Z") && period.start == Self.date("2026-03-14T06:00:00Z"))
    }
}
