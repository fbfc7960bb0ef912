import Foundation
import Testing
import TestSupport
@testable import Feeds

@Suite("Hostile input") struct HostileInputTests {
    static let billionLaughs: String = {
        var lines = ["<?xml version=\"1.0\"?>", "<!DOCTYPE lolz [", " <!ENTITY lol \"lol\">"]
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            lines.append(" <!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">")
        }
        lines.append("]>")
        lines.append("<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>")
        return lines.joined(separator: "\n")
    }()

    @Test func billionLaughsFailsFastWithAClearError() {
        let started = Date()
        let error = Parse.failure(Array(Self.billionLaughs.utf8))
        #expect(error?.kind == .entityLoop)
        #expect(error?.description.contains("entity") == true)
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func quadraticBlowupStaysBounded() {
        // One 50 kB entity referenced 5,000 times: 250 MB if expanded naively.
        let big = String(repeating: "x", count: 50_000)
        let references = String(repeating: "&big;", count: 5_000)
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY big \"\(big)\">]><rss><channel><title>\(references)</title></channel></rss>"
        let started = Date()
        let result = Result { try Parse.xml(xml) }
        #expect(Date().timeIntervalSince(started) < 5)
        switch result {
        case .success(let feed):
            // Whatever survives must stay within the expansion budget.
            #expect((feed.title?.utf8.count ?? 0) <= max(FeedParser.entityBudgetFloor, xml.utf8.count * FeedParser.entityBudgetFactor))
        case .failure(let error):
            #expect((error as? FeedParseError)?.kind == .entityLoop)
        }
    }

    @Test func externalEntitiesAreNeverRead() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let firstLine = try #require(passwd.split(separator: "\n").first.map(String.init))
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
              <!ENTITY xxe SYSTEM "file:///etc/passwd">
              <!ENTITY % remote SYSTEM "file:///etc/passwd">
              %remote;
            ]>
            <rss version="2.0"><channel><title>before&xxe;after</title>
            <item><title>&xxe;</title><description>&xxe;</description><link>http://x/&xxe;</link></item></channel></rss>
            """
        let feed = try Parse.xml(xml)
        let everything = feed.schemaJSON() + feed.warnings.joined() + (feed.entries.first?.summaryHTML ?? "")
        #expect(!everything.contains(firstLine))
        #expect(!everything.contains("root:"))
        #expect(feed.title == "beforeafter")
    }

    @Test func externalDTDIsNotFetched() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "file:///etc/passwd">
            <rss version="0.91"><channel><title>dtd</title></channel></rss>
            """
        let feed = try Parse.xml(xml)
        #expect(feed.title == "dtd")
        #expect(!feed.schemaJSON().contains("root:"))
    }

    @Test func sizeCapIsCheckedBeforeParsing() {
        let bytes = [UInt8](repeating: 0x20, count: 2_000)
        let error = Parse.failure(bytes, options: FeedParseOptions(maxBytes: 1_000))
        #expect(error?.kind == .tooLarge)
    }

    @Test func aOneGigabyteFileIsRejectedWithoutReadingIt() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-huge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.xml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("<rss>".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 1 << 30)  // sparse: costs no disk
        try handle.close()
        let started = Date()
        #expect(throws: FeedParseError.self) { try FeedFileReader.read(path: path) }
        do {
            _ = try FeedFileReader.read(path: path)
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message.contains("1073741824"))
        }
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func streamsWithoutASizeAreCappedWhileReading() {
        // /dev/zero never ends: the reader must stop just past the cap.
        do {
            _ = try FeedFileReader.read(path: "/dev/zero", maxBytes: 1 << 20)
            Issue.record("reading /dev/zero should hit the cap")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    @Test func deepNestingIsRefusedOrRecoveredWithoutCrashing() {
        let depth = 100_000
        let xml = "<rss><channel><title>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</title></channel></rss>"
        let result = Result { try Parse.xml(xml) }
        if case .failure(let error) = result {
            #expect(error is FeedParseError)
        }
    }

    @Test func arbitraryBytesNeverCrash() {
        // Deterministic pseudo-random documents: random bytes, and feeds with random bytes spliced in.
        var generator = SplitMix64(seed: 0x7EED)
        let seeds = [Parse.rssItem("<title>t</title><description>&lt;p&gt;x&lt;/p&gt;</description>"),
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"xhtml\"><div>x</div></title></entry></feed>",
                     "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\"}]}",
                     EncodingTests.document(declaring: "utf-16")]
        var parsed = 0
        for round in 0..<1_500 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = Array(seeds[round % seeds.count].utf8)
                for _ in 0..<Int(generator.next() % 8 + 1) where !bytes.isEmpty {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(contentsOf: Array("&<]]>\u{0}\u{FF}&#x0;".utf8).shuffled(using: &generator).prefix(3), at: position)
                    }
                }
            }
            if (try? Parse.bytes(bytes)) != nil { parsed += 1 }
        }
        // Some mutated documents must still parse: recovery works, not only rejection.
        #expect(parsed > 100)
    }
}

