import Foundation
import Testing
import TestSupport

/// Issue 13 on the offline example (examples/, as `make run` uses it), with real clients: the CLI's events,
/// event and try; headless Chromium on the pages; feedparser, newsboat and tidings' own parser on the Atom feed;
/// promtool on /metrics; many idle and slow clients while the daemon polls; hostile requests.
@Suite(.serialized, .enabled(if: Fixture.binaryIsBuilt || TestEnvironment.strict, "needs the built tidings binary"))
final class WebEndToEndTests {
    let directory: URL
    let config: URL
    let port: Int
    var daemon: DaemonProcess?
    static let clients = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/web_clients.py")
    /// Debian's python3, where install-deps.sh installs python3-feedparser (as the e-mail tests use its aiosmtpd).
    static let python = URL(fileURLWithPath: "/usr/bin/python3")

    init() throws {
        directory = try TestPaths.makeTemporaryDirectory("tidings-web")
        // The example as shipped: its feeds, topic and sink; only the state and the port are this test's own.
        let example = directory.appendingPathComponent("example")
        try FileManager.default.copyItem(at: TestPaths.packageRoot.appendingPathComponent("examples"), to: example)
        try? FileManager.default.removeItem(at: example.appendingPathComponent("state"))
        try FileManager.default.createDirectory(at: example.appendingPathComponent("state"), withIntermediateDirectories: true)
        port = try FreePort.allocate()
        config = example.appendingPathComponent("tidings.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try (text + "\n[http]\nlisten = \"127.0.0.1:\(port)\"\n").write(to: config, atomically: true, encoding: .utf8)
    }

    deinit {
        daemon?.kill9()
        try? FileManager.default.removeItem(at: directory)
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var alertLog: URL { config.deletingLastPathComponent().appendingPathComponent("state/alerts.jsonl") }

    /// Starts the daemon and waits until the example's alerts are in the log and the web page answers.
    func startExample(environment: [String: String] = [:]) throws -> [[String: Any]] {
        let process = try DaemonProcess(arguments: ["run", "--config", config.path], environment: environment,
                                        logFile: directory.appendingPathComponent("daemon.log"))
        daemon = process
        // The example makes its alerts in the first cycle; a second cycle shows nothing more arrives.
        #expect(Fixture.eventually(seconds: 60) { process.log.components(separatedBy: "polled ").count > 2 }, "\(process.log)")
        #expect(process.log.contains("web page at http://127.0.0.1:\(port)/"), "\(process.log)")
        let alerts = Fixture.alerts(in: alertLog)
        try #require(!alerts.isEmpty, "no alerts: \(process.log)")
        return alerts
    }

    func get(_ path: String, headers: [String] = []) throws -> (status: Int, body: String) {
        let output = directory.appendingPathComponent("response-\(UUID().uuidString.prefix(6))")
        var arguments = ["-s", "-o", output.path, "-w", "%{http_code}", "--path-as-is", "--max-time", "30"]
        for header in headers { arguments += ["-H", header] }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [base + path])
        let body = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return (Int(result.stdout) ?? 0, body)
    }

    func tidings(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(TestPaths.tidingsBinary, arguments + ["--config", config.path])
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func facts(_ alert: [String: Any]) -> [String] { alert["new_facts"] as? [String] ?? [] }
    static func articleURL(_ alert: [String: Any]) -> String { (alert["article"] as? [String: Any])?["url"] as? String ?? "" }

    // MARK: - Command line

    @Test func eventsAndEventCarryEveryAlertsFactsOnTheRightArticle() throws {
        let alerts = try startExample()
        let events = try tidings(["events", "--json"])
        #expect(events.status == 0, "\(events.stderr)")
        let listed = Self.json(events.stdout)["events"] as? [[String: Any]] ?? []
        let eventIDs = Set(alerts.compactMap { ($0["event"] as? [String: Any])?["id"] as? String })
        #expect(eventIDs.count == 1)
        let event = try #require(listed.first { eventIDs.contains($0["id"] as? String ?? "") }, "\(events.stdout)")
        #expect(event["topic"] as? String == alerts[0]["topic"] as? String)
        #expect(Set(event.keys) == ["id", "topic", "title", "first_seen", "last_seen", "articles", "closed"])

        let shown = try tidings(["event", event["id"] as? String ?? "", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let timeline = Self.json(shown.stdout)
        let articles = timeline["articles"] as? [[String: Any]] ?? []
        // Every on-topic article of the event is there (the list's count), in arrival order, each alert's facts on
        // its own article; articles that alerted nothing carry no facts.
        #expect(articles.count == event["articles"] as? Int)
        #expect(articles.count > alerts.count)
        for alert in alerts {
            let article = articles.first { $0["url"] as? String == Self.articleURL(alert) }
            #expect(article?["verdict"] as? String == alert["verdict"] as? String, "\(Self.articleURL(alert))")
            #expect(article?["new_facts"] as? [String] == Self.facts(alert))
        }
        #expect(articles.first?["verdict"] as? String == "new_event")
        for article in articles where article["verdict"] as? String == "no_new_facts" {
            #expect((article["new_facts"] as? [String])?.isEmpty == true)
        }
        // The human form fits 100 columns and names the facts.
        let text = try tidings(["event", event["id"] as? String ?? ""])
        #expect(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(text.stdout)")
        #expect(text.stdout.contains("NEW FACTS"))
        let list = try tidings(["events"])
        #expect(list.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 } && list.stdout.contains(event["id"] as? String ?? "?"))

        let unknown = try tidings(["event", "evt_nothing_here"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("evt_nothing_here"))

        // status counts the open event.
        let status = Self.json(try tidings(["status", "--json"]).stdout)
        let totals = status["totals"] as? [String: Any] ?? [:]
        #expect(totals["events_open"] as? Int == 1 && totals["events_closed"] as? Int == 0)
    }

    @Test func tryListsTheOnTopicItemsAndNotTheUnrelatedOnes() throws {
        let alerts = try startExample()
        let toml = try String(contentsOf: config, encoding: .utf8)
        let queryLine = try #require(toml.split(separator: "\n").first { $0.hasPrefix("query = '") })
        let query = String(queryLine.dropFirst("query = '".count).dropLast())
        let result = try tidings(["try", query, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let preview = Self.json(result.stdout)
        let items = preview["items"] as? [[String: Any]] ?? []
        #expect(preview["query"] as? String == query && preview["total"] as? Int == items.count)
        let urls = Set(items.compactMap { $0["url"] as? String })
        for alert in alerts { #expect(urls.contains(Self.articleURL(alert))) }
        #expect(!items.contains { ($0["feed"] as? String ?? "").hasSuffix("unrelated.xml") }, "\(result.stdout)")
        // The unrelated feed's items are stored: the query, not the store, left them out.
        let everything = Self.json(try tidings(["try", "a* OR e* OR i* OR o* OR t*", "--json", "--limit", "1000"]).stdout)
        #expect((everything["items"] as? [[String: Any]] ?? []).contains { ($0["feed"] as? String ?? "").hasSuffix("unrelated.xml") })
        // Newest first.
        let published = items.compactMap { $0["published"] as? String }
        #expect(published == published.sorted(by: >))

        let bad = try tidings(["try", "(bridge AND"])
        #expect(bad.status == 78)
        #expect(bad.stderr.hasPrefix("query:1:12: "), "\(bad.stderr)")
    }

    // MARK: - Web pages in a real browser

    @Test func chromiumRendersTheIndexAndTheEventPageWithEveryFact() throws {
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        try #require(FileManager.default.isExecutableFile(atPath: chromium.path) || !TestEnvironment.strict, "chromium missing")
        guard FileManager.default.isExecutableFile(atPath: chromium.path) else { return }
        let alerts = try startExample()
        let eventID = try #require((alerts[0]["event"] as? [String: Any])?["id"] as? String)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--user-data-dir=\(directory.path)/chromium"]
        let page = try runProcess(chromium, flags + ["--dump-dom", "\(base)/events/\(eventID)"])
        // The DOM as the browser built it: every new-fact sentence of every alert, as text.
        let dom = page.stdout.replacingOccurrences(of: "&amp;", with: "&")
        for alert in alerts {
            for fact in Self.facts(alert) { #expect(dom.contains(fact), "missing fact: \(fact)") }
            #expect(dom.contains(Self.articleURL(alert)))
        }
        #expect(!dom.contains("<script"))
        let index = try runProcess(chromium, flags + ["--dump-dom", "\(base)/"])
        #expect(index.stdout.contains("/events/\(eventID)") && index.stdout.contains(alerts[0]["topic"] as? String ?? "?"))

        // A phone-sized screenshot of the event page (docs/web-event-page.png is one of these).
        let shotDirectory = ProcessInfo.processInfo.environment["TIDINGS_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) } ?? directory
        let shot = shotDirectory.appendingPathComponent("web-event-page.png")
        _ = try runProcess(chromium, flags + ["--hide-scrollbars", "--window-size=420,1500", "--screenshot=\(shot.path)",
                                              "\(base)/events/\(eventID)"])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
    }

    // MARK: - The Atom feed in real readers

    @Test func feedparserNewsboatAndOurOwnParserReadTheAlertsFeed() throws {
        let alerts = try startExample()
        let read = try runProcess(Self.python, [Self.clients.path, "feed", "\(base)/alerts.atom"])
        #expect(read.status == 0, "\(read.stderr)")
        let parsed = Self.json(read.stdout)
        #expect(parsed["bozo"] as? Bool == false && parsed["version"] as? String == "atom10", "\(read.stdout)")
        let entries = parsed["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == alerts.count)
        for alert in alerts {
            let entry = entries.first { ($0["id"] as? String ?? "").hasSuffix("/\(alert["id"] as? String ?? "?")") }
            #expect(entry?["link"] as? String == Self.articleURL(alert))
            let content = entry?["content_text"] as? String ?? ""
            for fact in Self.facts(alert) { #expect(content.contains(fact), "entry lacks: \(fact)") }
            #expect((entry?["title"] as? String ?? "").contains((alert["article"] as? [String: Any])?["title"] as? String ?? "?"))
        }
        let topic = alerts[0]["topic"] as? String ?? ""
        let perTopic = Self.json(try runProcess(Self.python,
                                                [Self.clients.path, "feed", "\(base)/topics/\(topic)/alerts.atom"]).stdout)
        #expect((perTopic["entries"] as? [Any])?.count == alerts.count)
        let none = Self.json(try runProcess(Self.python,
                                            [Self.clients.path, "feed", "\(base)/topics/no-such-topic/alerts.atom"]).stdout)
        #expect((none["entries"] as? [Any])?.count == 0)

        // tidings' own parser.
        let own = try runProcess(TestPaths.tidingsBinary, ["parse", "--json", "\(base)/alerts.atom"])
        #expect(own.status == 0, "\(own.stderr)")
        let ownEntries = (Self.json(own.stdout)["entries"] as? [[String: Any]]) ?? (Self.json(own.stdout)["items"] as? [[String: Any]]) ?? []
        #expect(ownEntries.count == alerts.count, "\(own.stdout.prefix(500))")

        // newsboat subscribes, reloads and counts the unread alerts.
        let newsboat = URL(fileURLWithPath: "/usr/bin/newsboat")
        try #require(FileManager.default.isExecutableFile(atPath: newsboat.path) || !TestEnvironment.strict, "newsboat missing")
        guard FileManager.default.isExecutableFile(atPath: newsboat.path) else { return }
        let home = directory.appendingPathComponent("newsboat")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "\(base)/alerts.atom\n".write(to: home.appendingPathComponent("urls"), atomically: true, encoding: .utf8)
        try "".write(to: home.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let reader = try runProcess(newsboat, ["-u", home.appendingPathComponent("urls").path,
                                               "-c", home.appendingPathComponent("cache.db").path,
                                               "-C", home.appendingPathComponent("config").path,
                                               "-x", "reload", "print-unread"],
                                    environment: ["HOME": home.path, "PATH": "/usr/bin:/bin", "TERM": "dumb"])
        #expect(reader.status == 0, "\(reader.stdout) \(reader.stderr)")
        #expect(reader.stdout.contains("\(alerts.count) unread articles"), "\(reader.stdout) \(reader.stderr)")
        let titles = try runProcess(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                    [home.appendingPathComponent("cache.db").path, "SELECT title FROM rss_item"])
        for alert in alerts {
            #expect(titles.stdout.contains((alert["article"] as? [String: Any])?["title"] as? String ?? "?"))
        }
    }

    // MARK: - Metrics and health

    @Test func promtoolAcceptsTheMetricsAndAlertsAddUp() throws {
        let alerts = try startExample()
        let metrics = try get("/metrics")
        #expect(metrics.status == 200)
        let file = directory.appendingPathComponent("metrics.txt")
        try metrics.body.write(to: file, atomically: true, encoding: .utf8)
        let promtool = URL(fileURLWithPath: "/usr/bin/promtool")
        if FileManager.default.isExecutableFile(atPath: promtool.path) || TestEnvironment.strict {
            let check = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "\(promtool.path) check metrics < '\(file.path)'"])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        }
        var alertSum = 0.0
        for line in metrics.body.split(separator: "\n") where line.hasPrefix("tidings_alerts_total{") {
            alertSum += Double(line.split(separator: " ").last ?? "") ?? 0
        }
        #expect(Int(alertSum) == alerts.count, "\(metrics.body)")
        for name in ["tidings_feeds{state=\"ok\"}", "tidings_fetches_total{result=\"changed\"}", "tidings_items_total ",
                     "tidings_alerts_pending{sink=", "tidings_deliveries_total{sink=", "tidings_poll_cycle_seconds_bucket{le=\"+Inf\"}",
                     "tidings_build_info{version="] {
            #expect(metrics.body.contains(name), "missing \(name)")
        }
        let health = try get("/healthz")
        #expect(health.status == 200 && Self.json(health.body)["health"] as? String == "healthy", "\(health.body)")
        let api = try get("/api/events")
        #expect((Self.json(api.body)["events"] as? [Any])?.count == 1)
    }

    // MARK: - Many and slow clients never delay polling

    @Test func idleAndSlowClientsDoNotHoldUpPollCycles() throws {
        _ = try startExample()
        let daemon = try #require(daemon)
        let holder = Process()
        holder.executableURL = Self.python
        holder.arguments = [Self.clients.path, "hold", "127.0.0.1", "\(port)", "200"]
        let progress = directory.appendingPathComponent("hold.log")
        _ = FileManager.default.createFile(atPath: progress.path, contents: nil)
        holder.standardOutput = try FileHandle(forWritingTo: progress)
        try holder.run()
        defer {
            if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            holder.waitUntilExit()
        }
        let lines = { (try? String(contentsOf: progress, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? [] }
        try #require(Fixture.eventually(seconds: 60) { lines().count >= 2 }, "the clients did not connect: \(lines())")
        let cyclesBefore = daemon.log.components(separatedBy: "polled ").count
        // While 200 idle connections, a byte-a-second sender and a byte-a-second reader hold the server, the
        // daemon goes on polling (two more cycles) and the page still answers others.
        #expect(Fixture.eventually(seconds: 90) { daemon.log.components(separatedBy: "polled ").count >= cyclesBefore + 2 },
                "no poll cycles while clients were held: \(daemon.log)")
        #expect(try get("/healthz").status == 200)
        // Ordering: the slow reader was still being served (some bytes, not all) when those cycles were done.
        let last = lines().last ?? ""
        #expect(holder.isRunning, "\(last)")
        let received = Int(last.split(separator: " ").first?.split(separator: "=").last ?? "") ?? -1
        #expect(received > 0 && received < 200, "\(last)")
    }

    // MARK: - Hostile requests get 4xx, and nothing else

    @Test func traversalLongURLsUnknownMethodsAndBadTokensGet4xx() throws {
        let token = "tok-\(UInt64.random(in: 0...UInt64.max))"
        let toml = try String(contentsOf: config, encoding: .utf8)
        try (toml + "auth_token_env = \"WEB_TEST_TOKEN\"\n").write(to: config, atomically: true, encoding: .utf8)
        _ = try startExample(environment: ["WEB_TEST_TOKEN": token])
        let good = "Authorization: Bearer \(token)"
        #expect(try get("/", headers: [good]).status == 200)
        for headers in [[], ["Authorization: Bearer wrong"], ["Authorization: Bearer \(token)x"], ["Authorization: \(token)"],
                        ["Authorization: Bearer " + String(token.dropLast())]] {
            let response = try get("/metrics", headers: headers)
            #expect(response.status == 401, "\(headers)")
            #expect(!response.body.contains("tidings_"))
        }
        func raw(_ request: String) throws -> String {
            let hex = request.utf8.map { String(format: "%02x", $0) }.joined()
            return try runProcess(Self.python,
                                  [Self.clients.path, "raw", "127.0.0.1", "\(port)", hex]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let auth = "\r\nAuthorization: Bearer \(token)\r\nHost: t\r\n\r\n"
        for path in ["/../../etc/passwd", "/topics/../../../etc/passwd", "/events/..%2F..%2Fetc%2Fpasswd/x",
                     "/topics/%2e%2e/%2e%2e/etc/passwd", "/static/..\\..\\etc\\passwd", "/etc/passwd", "/events/"] {
            let status = try raw("GET \(path) HTTP/1.1" + auth)
            #expect((400..<500).contains(Int(status) ?? 0), "\(path): \(status)")
        }
        for method in ["POST", "PUT", "DELETE", "PATCH", "BREW", "TRACE", "CONNECT"] {
            let status = try raw("\(method) / HTTP/1.1" + auth)
            #expect((400..<500).contains(Int(status) ?? 0), "\(method): \(status)")
        }
        for length in [3000, 40_000, 200_000] {
            let status = try runProcess(Self.python,
                                        [Self.clients.path, "long", "127.0.0.1", "\(port)", "\(length)"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect((400..<500).contains(Int(status) ?? 0) || status == "closed", "\(length): \(status)")
        }
        // The daemon is unharmed.
        #expect(try get("/healthz", headers: [good]).status == 200)
        #expect(daemon?.isRunning == true)
    }

    @Test func aNonLoopbackAddressWithoutATokenIsRefused() throws {
        let toml = try String(contentsOf: config, encoding: .utf8)
        try toml.replacingOccurrences(of: "listen = \"127.0.0.1:\(port)\"", with: "listen = \"0.0.0.0:\(port)\"")
            .write(to: config, atomically: true, encoding: .utf8)
        let check = try runProcess(TestPaths.tidingsBinary, ["check-config", "--config", config.path])
        #expect(check.status == 78)
        #expect(check.stderr.contains("not a loopback address"), "\(check.stderr)")
    }
}
