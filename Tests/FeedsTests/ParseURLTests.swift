import Foundation
import Testing
import TestSupport

/// `tidings parse URL`: feeds fetched from a real nginx through the project's fetcher, mixed with files, in order;
/// a failed fetch is one line on stderr and exit 1 while the other inputs are still parsed.
@Suite(.serialized) struct ParseURLTests {
    @Test func parsesFeedsServedByNginxBesideFiles() throws {
        let root = try TestPaths.makeTemporaryDirectory("parse-http")
        defer { try? FileManager.default.removeItem(at: root) }
        let feed = """
            <?xml version="1.0" encoding="windows-1252"?>
            <rss version="2.0"><channel><title>Harbor \u{E9}dition</title><link>https://harbor.example.org/</link>
            <item><title>Ferry schedule doubled</title><link>/news/ferries</link><guid>ferry-1</guid></item>
            </channel></rss>
            """
        try #require(feed.data(using: .windowsCP1252)).write(to: root.appendingPathComponent("harbor.xml"))
        let local = root.appendingPathComponent("local.xml")
        try Data("<rss version=\"2.0\"><channel><title>Local</title></channel></rss>".utf8).write(to: local)
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }

        let result = try runProcess(TestPaths.tidingsBinary, [
            "parse", "--json", "\(nginx.baseURL)/harbor.xml", local.path, "\(nginx.baseURL)/missing.xml",
        ])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["path"] as? String == "\(nginx.baseURL)/harbor.xml")
        #expect(first["title"] as? String == "Harbor \u{E9}dition")
        let entries = try #require(first["entries"] as? [[String: Any]])
        #expect(entries.first?["title"] as? String == "Ferry schedule doubled")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["title"] as? String == "Local")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("/missing.xml: fetch: http 404"))
        // One request per URL: the fetch is not repeated for parsing.
        let requests = nginx.accessLog().filter { $0.uri == "/harbor.xml" }
        #expect(requests.count == 1)
    }
}
