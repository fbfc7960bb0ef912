import Foundation
import Testing
import TestSupport

/// `tidings extract URL`: the page comes through the project's libcurl fetcher from a real nginx on loopback,
/// and the HTTP Content-Type charset outranks what the page itself declares.
@Suite(.serialized) struct ExtractURLTests {
    @Test func extractsAPageServedByNginx() throws {
        let root = try TestPaths.makeTemporaryDirectory("articles-http")
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(ExtractionTests.boilerplatePage().utf8).write(to: root.appendingPathComponent("story.html"))
        // Latin-1 bytes served as ISO-8859-1 by nginx, while the page claims UTF-8: the header wins.
        let latin1Page = "<html><head><meta charset=\"utf-8\"><title>Caf\u{E9}</title></head><body><article><p>"
            + String(repeating: "Le caf\u{E9} du port rouvre ses portes apr\u{E8}s deux ans de travaux, disent les habitants. ", count: 8)
            + "</p></article></body></html>"
        try #require(latin1Page.data(using: .isoLatin1)).write(to: root.appendingPathComponent("latin1.html"))
        let nginx = try NginxServer.start(root: root, extraServerConfig: "location = /latin1.html { charset iso-8859-1; source_charset iso-8859-1; override_charset off; types { } default_type text/html; }")
        defer { nginx.stop() }

        let story = try runProcess(TestPaths.tidingsBinary, ["extract", "\(nginx.baseURL)/story.html", "--json"])
        #expect(story.status == 0, "stderr: \(story.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(story.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "Flood barrier to open two months early")
        #expect((object["text"] as? String)?.hasPrefix("The river authority") == true)

        let latin1 = try runProcess(TestPaths.tidingsBinary, ["extract", "\(nginx.baseURL)/latin1.html", "--json"])
        #expect(latin1.status == 0, "stderr: \(latin1.stderr)")
        let latinObject = try #require(try JSONSerialization.jsonObject(with: Data(latin1.stdout.utf8)) as? [String: Any])
        #expect((latinObject["text"] as? String)?.contains("Le caf\u{E9} du port") == true)
    }

    @Test func aMissingPageIsOneClearLineAndExitOne() throws {
        let root = try TestPaths.makeTemporaryDirectory("articles-http")
        defer { try? FileManager.default.removeItem(at: root) }
        let nginx = try NginxServer.start(root: root)
        defer { nginx.stop() }
        let result = try runProcess(TestPaths.tidingsBinary, ["extract", "\(nginx.baseURL)/missing.html", "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("/missing.html: http 404"))
    }
}
