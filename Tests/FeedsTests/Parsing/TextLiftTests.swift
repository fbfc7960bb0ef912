import Foundation
import Testing
import TestSupport
@testable import Feeds

/// Long CDATA sections and text runs bypass libxml2's slow readers (`TextLift`), and entries are read and freed
/// while the parse runs; the feed must come out exactly as from the whole tree without lifting, warnings and
/// errors included.
@Suite("Text lifting") struct TextLiftTests {
    static let body = "<p>Body with <b>markup</b> &amp; an ampersand, “quotes” and naïve café text.</p>"
        + String(repeating: " More words to pass the length threshold.", count: 3)

    /// Outcome of one parse, comparable across both paths.
    static func outcome(_ bytes: [UInt8], lift: Bool) -> String {
        do {
            let feed = try FeedParser.parse(bytes, options: .init(), liftText: lift, streamEntries: lift)
            return "\(feed)"
        } catch {
            return "error \(error.kind) \(error.description)"
        }
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        #expect(outcome(bytes, lift: true) == outcome(bytes, lift: false), "\(text.prefix(200))",
                sourceLocation: sourceLocation)
    }

    static let cases: [String] = [
        // Plain: one section per element, adjacent text on both sides, two sections in a row.
        Parse.rssItem("<title>T</title><description><![CDATA[\(body)]]></description>"),
        Parse.rssItem("<description>before <![CDATA[\(body)]]> after</description>"),
        Parse.rssItem("<description><![CDATA[\(body)]]><![CDATA[\(body)]]></description>"),
        Parse.rssItem("<description>\n  <![CDATA[\(body)\nline two\nline three]]>\n</description>"),
        // Markup next to the section (the element then has element children and is serialised).
        Parse.rssItem("<description><![CDATA[\(body)]]><b>bold</b></description>"),
        // Carriage returns and U+FFFF: left to libxml2.
        Parse.rssItem("<description><![CDATA[\(body)\r\nwindows line\r]]></description>"),
        Parse.rssItem("<description><![CDATA[\(body)\u{FFFF}]]></description>"),
        // Errors after a section: line numbers in the warning must not move.
        Parse.rssItem("<description><![CDATA[\(body)\n\n\n]]></description><title>unclosed <b></title>"),
        // Outside the root element, before and after it.
        "<?xml version=\"1.0\"?><![CDATA[\(body)]]>" + Parse.rssItem("<title>x</title>"),
        Parse.rssItem("<title>x</title>") + "<![CDATA[\(body)]]>",
        // Inside a start tag and inside an attribute value (ill-formed either way).
        Parse.rssItem("<description a=\"<![CDATA[\(body)]]>\">x</description>"),
        Parse.rssItem("<description <![CDATA[\(body)]]>>x</description>"),
        // Unterminated.
        Parse.rssItem("<description><![CDATA[\(body)</description>"),
        // A document that already holds the marker.
        Parse.rssItem("<description><?tidings-cdata 0?><![CDATA[\(body)]]></description>"),
        Parse.rssItem("<description><![CDATA[\(body)]]><?tidings-cdata 0?></description>"),
        // Inside a comment and inside the DOCTYPE: never sections.
        Parse.rssItem("<!-- <![CDATA[\(body)]]> --><description>x</description>"),
        "<!DOCTYPE rss [<!ENTITY e \"<![CDATA[\(body)]]>\">]>" + Parse.rssItem("<description>&e;</description>"),
        // Atom: escaped HTML in a section, XHTML content around one.
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><id>1</id><content type=\"html\"><![CDATA[\(body)]]></content></entry></feed>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><![CDATA[\(body)]]></div></content></entry></feed>",
        // Escaped HTML text runs.
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><content type=\"html\">\(escaped)</content></entry></feed>",
        Parse.rssItem("<description>\(escaped)</description>"),
        Parse.rssItem("<description>\n\(escaped)\n\(escaped)\n</description>"),
        Parse.rssItem("<description>\(escaped)<b>x</b>\(escaped)</description>"),
        Parse.rssItem("<title a=\"1 > 0\" b='\"'>\(escaped)</title>"),
        Parse.rssItem("<title a=\"1 < 0\">\(escaped)</title>"),
        Parse.rssItem("<title a=\"unbalanced>\(escaped)</title>"),
        // Character references, repaired ones, and what libxml2 treats specially.
        Parse.rssItem("<description>\(escaped) &#233; &#xE9; &#X41; &#13; &mdash; &bogus; a & b &#150;</description>"),
        Parse.rssItem("<description>\(escaped) ]]> after</description>"),
        Parse.rssItem("<description>\(escaped)\r\nwindows</description>"),
        Parse.rssItem("<description>\(escaped)\u{FFFE}</description>"),
        // A reference to an entity the document declares.
        "<!DOCTYPE rss [<!ENTITY who \"World\">]>" + Parse.rssItem("<description>\(escaped) &who;</description>"),
        // After a well-formedness error libxml2 drops predefined references from text.
        Parse.rssItem("<title>broken <b></title><description>\(escaped)</description><description>\(escaped)</description>"),
        Parse.rssItem("<title>broken <b></title><description>naïve café text with numeric &#233; only and enough length to count</description>"),
        // Text outside the root element.
        Parse.rssItem("<title>x</title>") + "\(escaped)",
        "\(escaped)" + Parse.rssItem("<title>x</title>"),
        // Streaming entries: items under the root and in the channel, RDF with the channel last, a second
        // channel, an unclosed last item, namespaces declared on an item's children, xml:base on the channel.
        "<rss version=\"2.0\"><item><title>root item</title></item><channel><title>C</title><item><title>one</title></item><item><title>two</title></item></channel><item><title>late root item</title></item></rss>",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><item rdf:about=\"a\"><title>A</title></item><item rdf:about=\"b\"><title>B</title></item><channel rdf:about=\"c\"><title>C</title></channel></rdf:RDF>",
        "<rss version=\"2.0\"><channel><title>1</title><item><title>a</title></item></channel><channel><item><title>b</title></item></channel></rss>",
        "<rss version=\"2.0\"><channel><title>C</title><item><title>one</title></item><item><title>unclosed</title><description>\(escaped)",
        "<rss version=\"2.0\"><channel><item><dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Jo</dc:creator></item><item><x:creator xmlns:x=\"http://purl.org/dc/elements/1.1/\">Al</x:creator><y:creator xmlns:y=\"urn:other\">No</y:creator></item></channel></rss>",
        "<rss version=\"2.0\"><channel xml:base=\"http://base.example/dir/\"><item><link>page.html</link><enclosure url=\"a.mp3\" type=\"audio/mpeg\" length=\"1\"/></item></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://base.example/\"><entry xml:base=\"sub/\"><id>1</id><link href=\"x\"/><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\(escaped)</p></div></content></entry><title>after entries</title></feed>",
        "<!DOCTYPE rss [<!ENTITY who \"World\">]><rss version=\"2.0\"><channel><item><title>Hello &who;</title></item></channel></rss>",
        // Non-ASCII without references, and plain ASCII (never lifted).
        Parse.rssItem("<description>\(String(repeating: "naïve café “quoted” ", count: 5))</description>"),
        Parse.rssItem("<description>\(String(repeating: "plain ascii words ", count: 8))</description>"),
    ]

    static let escaped = "&lt;p&gt;Escaped &lt;a href=&quot;https://x.example/?a=1&amp;amp;b=2&quot;&gt;link&lt;/a&gt; “quotes” &apos;single&apos; naïve&lt;/p&gt;"


    @Test(arguments: cases) func sameFeedEitherWay(document: String) {
        Self.expectSame(document)
    }

    @Test func liftedSectionsReallyBypassTheParser() throws {
        let text = Parse.rssItem("<description><![CDATA[\(Self.body)]]></description>")
        let repaired = EntityRepair.repair(Array(text.utf8), liftText: true)
        #expect(repaired.lifted.sections.count == 1)
        #expect(!String(decoding: repaired.bytes, as: UTF8.self).contains("CDATA"))
        let feed = try Parse.xml(text)
        #expect(feed.entries.first?.summaryHTML == Self.body)

        let escapedText = Parse.rssItem("<description>\(Self.escaped)</description>")
        let escapedRepair = EntityRepair.repair(Array(escapedText.utf8), liftText: true)
        #expect(escapedRepair.lifted.sections.count == 1)
        #expect(!String(decoding: escapedRepair.bytes, as: UTF8.self).contains("&lt;"))
        let escapedFeed = try Parse.xml(escapedText)
        #expect(escapedFeed.entries.first?.summaryHTML?.hasPrefix("<p>Escaped <a href=\"https://x.example/?a=1&amp;b=2\">") == true)
    }

    /// Every conformance feed and fuzz seed parses to the same result with and without lifting.
    @Test(.enabled(if: TestPaths.shared != nil, "../shared not present: conformance corpus unavailable"))
    func conformanceCorpusIsUnchanged() throws {
        var directories = [TestPaths.packageRoot.appendingPathComponent("fuzz/seeds/feed-parser"),
                           TestPaths.packageRoot.appendingPathComponent("fuzz/regressions/feed-parser")]
        if let shared = TestPaths.shared { directories.append(shared.appendingPathComponent("conformance/feeds")) }
        var compared = 0
        for directory in directories {
            guard let walker = FileManager.default.enumerator(atPath: directory.path) else { continue }
            while let relative = walker.nextObject() as? String {
                guard !relative.hasSuffix(".json") else { continue }
                let url = directory.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let bytes = try [UInt8](Data(contentsOf: url))
                #expect(Self.outcome(bytes, lift: true) == Self.outcome(bytes, lift: false), "\(relative)")
                compared += 1
            }
        }
        #expect(compared > 100)
    }
}
