import Foundation
import Testing
import TestSupport

/// `tidings extract` as a process: the interface the conformance scorer and users rely on.
@Suite struct ExtractCommandTests {
    static func writePage(_ html: String) throws -> (directory: URL, file: URL) {
        let directory = try TestPaths.makeTemporaryDirectory("articles-cli")
        let file = directory.appendingPathComponent("page.html")
        try Data(html.utf8).write(to: file)
        return (directory, file)
    }

    @Test func printsJSONForAPage() throws {
        let (directory, file) = try Self.writePage(ExtractionTests.boilerplatePage())
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(TestPaths.tidingsBinary, ["extract", file.path, "--url", "https://example.org/a", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "Flood barrier to open two months early")
        #expect(object["byline"] as? String == "Jane Doe")
        #expect(object["published"] as? String == "2024-06-25T09:30:00+02:00")
        #expect(object["canonical_url"] as? String == "https://example.org/news/flood-barrier")
        #expect((object["text"] as? String)?.hasPrefix("The river authority") == true)
    }

    @Test func readableOutputAndFileURLs() throws {
        let (directory, file) = try Self.writePage(ExtractionTests.boilerplatePage())
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(TestPaths.tidingsBinary, ["extract", file.absoluteString])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Flood barrier to open two months early")
        #expect(lines.dropFirst().first == "By Jane Doe · 2024-06-25T09:30:00+02:00")
        #expect(result.stdout.contains("The river authority confirmed"))
    }

    @Test func noArticleStillExitsZero() throws {
        let (directory, file) = try Self.writePage("<html><body><nav>Home</nav></body></html>")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(TestPaths.tidingsBinary, ["extract", file.path, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"text\":"))
    }

    @Test func errorsAreOneLineAndExitOne() throws {
        let missing = try runProcess(TestPaths.tidingsBinary, ["extract", "/nonexistent/page.html", "--json"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "tidings extract: /nonexistent/page.html: no such file\n")
        #expect(missing.stdout.isEmpty)

        let ftp = try runProcess(TestPaths.tidingsBinary, ["extract", "ftp://127.0.0.1/story"])
        #expect(ftp.status == 1)
        #expect(ftp.stderr.contains("unsupported URL scheme ftp"))
        #expect(ftp.stderr.split(separator: "\n").count == 1)

        let (directory, file) = try Self.writePage(String(repeating: "<p>big</p>", count: 200))
        defer { try? FileManager.default.removeItem(at: directory) }
        let tooBig = try runProcess(TestPaths.tidingsBinary, ["extract", file.path, "--max-bytes", "100"])
        #expect(tooBig.status == 1)
        #expect(tooBig.stderr.contains("100-byte limit"))
    }

    @Test func statsModeReportsThroughput() throws {
        let (directory, file) = try Self.writePage(ExtractionTests.boilerplatePage())
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(TestPaths.tidingsBinary, ["extract", "--stats", file.path, file.path, file.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("extract: pages 3, failed 0,"))
        #expect(result.stdout.contains("pages/cpu-s"))
    }
}
