import Foundation
import Testing
import TestSupport

/// `tidings parse` as users run it: the real binary (TestPaths.tidingsBinary), real files.
@Suite("tidings parse", .serialized) struct ParseCommandTests {
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: TestPaths.tidingsBinary.path) }

    static func withFeeds(_ files: [String: String], _ body: (URL) throws -> Void) throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-parse")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        try body(directory)
    }

    static let rss = "<rss version=\"2.0\"><channel><title>R</title><item><title>one</title><link>http://r/1</link></item><item><title>two</title></item></channel></rss>"
    static let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><title>x</title><id>urn:x</id></entry></feed>"

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func jsonForOneFileIsTheSchema() throws {
        try Self.withFeeds(["a.xml": Self.rss]) { directory in
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", directory.appendingPathComponent("a.xml").path, "--json"])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["title", "link", "language", "updated", "entries"])
            let entries = try #require(object["entries"] as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(Set(entries[0].keys) == ["id", "title", "link", "published", "updated", "authors", "summary",
                                             "content", "categories", "enclosures"])
            #expect(entries[0]["title"] as? String == "one")
            #expect(entries[1]["link"] is NSNull)
        }
    }

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func jsonSaysWhatWasRecovered() throws {
        let broken = "\n<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>R &amp; S</title><item><title>a<br>b</title></item></channel></rss>"
        try Self.withFeeds(["a.xml": broken]) { directory in
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", directory.appendingPathComponent("a.xml").path, "--json"])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["title"] as? String == "R & S")
            let warnings = try #require(object["warnings"] as? [String])
            #expect(warnings.contains { $0.contains("before the XML declaration") }, "\(warnings)")
            #expect(warnings.contains { $0.contains("ill-formed XML recovered") }, "\(warnings)")
            #expect(warnings.contains { $0.contains("closed <br>") }, "\(warnings)")
        }
    }

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func directoriesAreSortedAndFailuresDoNotStopOthers() throws {
        try Self.withFeeds(["b.xml": Self.rss, "a.atom": Self.atom, "sub/c.rss": Self.rss, "bad.xml": "<html>nope</html>",
                            "notes.txt": "ignored", ".hidden.xml": "ignored", "x.xml.expected.json": "{}"]) { directory in
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", "--json", directory.path])
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let paths = try lines.map { line -> String in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return try #require(object["path"] as? String)
            }
            #expect(paths.map { ($0 as NSString).lastPathComponent } == ["a.atom", "b.xml", "bad.xml", "c.rss"])
            let errorLines = result.stderr.split(separator: "\n")
            #expect(errorLines.count == 1)
            #expect(errorLines.first?.contains("bad.xml") == true)
            #expect(errorLines.first?.contains("notAFeed") == true)
        }
    }

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func statsPrintsOneSummaryLine() throws {
        try Self.withFeeds(["a.xml": Self.rss, "b.xml": Self.atom]) { directory in
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", "--stats", directory.path])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            let line = String(lines[0])
            #expect(line.hasPrefix("files 2 entries 3 bytes \(Self.rss.utf8.count + Self.atom.utf8.count) seconds "))
            #expect(line.contains(" MB/s "))
        }
    }

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func fileURLsAndMissingFiles() throws {
        try Self.withFeeds(["a.xml": Self.rss]) { directory in
            let url = directory.appendingPathComponent("a.xml").absoluteString
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", url, "/no/such/feed.xml"])
            #expect(result.status == 1)
            #expect(result.stdout.contains("rss20, 2 entries"))
            #expect(result.stderr.contains("/no/such/feed.xml: no such file or directory"))
        }
    }

    @Test(.enabled(if: binaryExists || TestEnvironment.strict, "tidings binary not built")) func hostileFilesEndWithClearErrors() throws {
        try Self.withFeeds(["laughs.xml": HostileInputTests.billionLaughs]) { directory in
            let huge = directory.appendingPathComponent("huge.xml")
            #expect(FileManager.default.createFile(atPath: huge.path, contents: Data("<rss>".utf8)))
            let handle = try #require(FileHandle(forWritingAtPath: huge.path))
            try handle.truncate(atOffset: 1 << 30)
            try handle.close()
            let started = Date()
            let result = try runProcess(TestPaths.tidingsBinary, ["parse", "--json", directory.appendingPathComponent("laughs.xml").path, huge.path])
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(result.status == 1)
            #expect(result.stderr.contains("laughs.xml: entityLoop"))
            #expect(result.stderr.contains("huge.xml: tooLarge"))
            #expect(result.stdout.split(separator: "\n").count == 2)
        }
    }
}
