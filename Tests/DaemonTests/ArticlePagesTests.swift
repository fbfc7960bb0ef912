import Foundation
import Testing
import TestSupport

/// Summary-only feeds: the on-topic story's page is fetched (through nginx), its main text extracted and judged;
/// a page that cannot be fetched falls back to the feed's own text, and the fallback is logged.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled) || TestEnvironment.strict, "needs the built tidings binary and nginx"))
struct ArticlePagesTests {
    static func page(title: String, paragraphs: [String]) -> String {
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(title) | Fjord Times</title></head>
        <body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
        <article><h1>\(title)</h1>
        \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))
        </article>
        <aside class="related"><a href="/a">Related: weather</a> <a href="/b">Related: ferries</a></aside>
        <footer>© Fjord Times. Cookie settings.</footer></body></html>
        """
    }

    @Test func onTopicPagesAreFetchedAndAFailedPageFallsBackToTheFeedText() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-pages")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("news"), withIntermediateDirectories: true)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }

        let bodyFact = "The tunnel operator, Halvard Logistics, said repairs would cost 3.2 million kroner and take until September 30."
        try Self.page(title: "Rockfall closes Skarvik tunnel", paragraphs: [
            "A rockfall closed the Skarvik tunnel on the coastal road early on Friday, police said.",
            "Nobody was hurt when about forty tonnes of rock fell onto the northbound lane shortly after 4 a.m.",
            bodyFact,
            "Drivers were sent over the old mountain pass, which adds about an hour to the journey between the two towns.",
        ]).write(to: root.appendingPathComponent("news/skarvik-rockfall.html"), atomically: true, encoding: .utf8)

        let summaries = [
            Fixture.Story(title: "Rockfall closes Skarvik tunnel", link: "\(nginx.baseURL)/news/skarvik-rockfall.html",
                          published: "Fri, 05 Jun 2026 05:00:00 GMT",
                          paragraphs: ["A rockfall closed the Skarvik tunnel early on Friday."]),
            Fixture.Story(title: "Skarvik tunnel rockfall: second slide reported", link: "\(nginx.baseURL)/news/missing-page.html",
                          published: "Fri, 05 Jun 2026 09:00:00 GMT",
                          paragraphs: ["A second slide near the Skarvik tunnel was reported by a bus driver on Friday at 8.40 a.m."]),
        ]
        try Fixture.rss(title: "Fjord Times", stories: summaries).write(to: root.appendingPathComponent("feed.xml"),
                                                                          atomically: true, encoding: .utf8)
        let alertLog = directory.appendingPathComponent("alerts.jsonl")
        let config = directory.appendingPathComponent("tidings.toml")
        try """
            [store]
            path = "\(directory.path)/tidings.db"

            [[feed]]
            url = "\(nginx.baseURL)/feed.xml"

            [[topic]]
            name = "skarvik"
            query = 'Skarvik AND (tunnel OR rockfall OR slide)'

            [[alert]]
            type = "log"
            path = "\(alertLog.path)"

            """.write(to: config, atomically: true, encoding: .utf8)

        let result = try runProcess(TestPaths.tidingsBinary, ["poll", "--once", "--config", config.path],
                                    environment: ProcessInfo.processInfo.environment.merging(["TIDINGS_LOG_LEVEL": "notice"]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        let log = nginx.accessLog()
        #expect(log.contains { $0.uri == "/news/skarvik-rockfall.html" && $0.status == 200 }, "the page was not fetched")
        #expect(log.contains { $0.uri == "/news/missing-page.html" && $0.status == 404 })

        let alerts = Fixture.alerts(in: alertLog)
        #expect(alerts.map { $0["verdict"] as? String } == ["new_event", "new_facts"], "\(alerts)")
        // The first alert's facts come from the page body, which the feed never carried.
        let firstFacts = alerts.first?["new_facts"] as? [String] ?? []
        #expect(firstFacts.contains { $0.contains("3.2 million kroner") }, "\(firstFacts)")
        #expect(!firstFacts.joined().contains("Related: weather"))
        // The second page is missing: judged on the feed's own text, and the fallback is logged.
        let secondFacts = alerts.last?["new_facts"] as? [String] ?? []
        #expect(secondFacts.contains { $0.contains("8.40") }, "\(secondFacts)")
        #expect(result.stderr.contains("article extraction failed") && result.stderr.contains("missing-page.html"), "\(result.stderr)")
    }
}
