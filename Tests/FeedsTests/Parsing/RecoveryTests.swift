import Foundation
import Testing
@testable import Feeds

/// Ill-formed feeds as they come from the wild: whatever libxml2 recovers from, text, entities, the declared
/// encoding and the items must survive, and every recovery must be a warning.
@Suite("Recovery from ill-formed XML") struct RecoveryTests {
    static let escapedHTML = "&lt;p&gt;Last week I released &lt;a href=&quot;http://x/&quot;&gt;a tool&lt;/a&gt;&lt;/p&gt;"

    static func feed(_ preamble: String = "", declaration: String = "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
                     channelExtra: String = "", items: [String]) -> String {
        preamble + declaration + "\n<rss version=\"2.0\"><channel><title>Jobs &amp; more</title>\(channelExtra)\n"
            + items.map { "<item>\($0)</item>\n" }.joined() + "</channel></rss>\n"
    }

    static let items = [
        "<title>Architect &amp; Designer Position</title><description>\(escapedHTML)</description>",
        "<title>Quotes &quot;here&quot; &apos;and&apos; there</title><link>http://x/?a=1&amp;b=2</link>",
    ]

    static func expectTextKept(_ feed: ParsedFeed, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(feed.title == "Jobs & more", sourceLocation: sourceLocation)
        #expect(feed.entries.count == 2, sourceLocation: sourceLocation)
        guard feed.entries.count == 2 else { return }
        #expect(feed.entries[0].title == "Architect & Designer Position", sourceLocation: sourceLocation)
        #expect(feed.entries[0].summary == "Last week I released a tool", sourceLocation: sourceLocation)
        #expect(feed.entries[0].summaryHTML == "<p>Last week I released <a href=\"http://x/\">a tool</a></p>",
                sourceLocation: sourceLocation)
        #expect(feed.entries[1].title == "Quotes \"here\" 'and' there", sourceLocation: sourceLocation)
        #expect(feed.entries[1].link == "http://x/?a=1&b=2", sourceLocation: sourceLocation)
    }

    @Test func wellFormedBaseline() throws {
        let feed = try Parse.xml(Self.feed(items: Self.items))
        Self.expectTextKept(feed)
        #expect(feed.warnings.isEmpty)
    }

    @Test(arguments: ["\n", "\r\n\r\n", "  \t", "\u{FEFF}\n", "<br />\n<b>Warning</b>: headers already sent\n"])
    func junkBeforeTheDeclarationChangesNothingButAWarning(_ junk: String) throws {
        let plain = try Parse.xml(Self.feed(items: Self.items))
        let junked = try Parse.xml(Self.feed(junk, items: Self.items))
        Self.expectTextKept(junked)
        #expect(junked.entries == plain.entries)
        #expect(junked.warnings.contains { $0.contains("before the XML declaration") }, "\(junked.warnings)")
    }

    @Test func onlyAPrefixBeforeTheDeclarationIsJunk() {
        func length(_ text: String) -> Int? { LeadingJunk.prefixLength(Array(text.utf8), after: 0) }
        #expect(length("\n\n<?xml version=\"1.0\"?><rss/>") == 2)
        #expect(length("<?xml version=\"1.0\"?><rss/>") == nil)
        #expect(length("<rss version=\"2.0\"><?xml version=\"1.0\"?></rss>") == nil)
        #expect(length("<?xml-stylesheet href=\"a.xsl\"?><rss/>") == nil)
        #expect(length(String(repeating: " ", count: 5000) + "<?xml version=\"1.0\"?><rss/>") == nil)
    }

    @Test func declaredEncodingSurvivesLeadingJunk() throws {
        // gb2312 bytes after a blank line: the declaration is still read, so no mojibake.
        let text = Self.feed("\n", declaration: "<?xml version=\"1.0\" encoding=\"gb2312\"?>",
                             items: ["<title>新闻 &amp; 评论</title>"])
        let feed = try Parse.bytes(text.encoded(as: "GB2312"))
        #expect(feed.encoding == "gbk")  // gb2312 is read as its superset
        #expect(feed.entries.first?.title == "新闻 & 评论")
    }

    @Test func duplicateAttributeKeepsEntities() throws {
        let feed = try Parse.xml(Self.feed(channelExtra: "<image a=\"1\" a=\"2\"><url>http://x/i.png</url></image>",
                                           items: Self.items))
        Self.expectTextKept(feed)
        #expect(feed.warnings.contains { $0.contains("ill-formed XML recovered") && $0.contains("redefined") },
                "\(feed.warnings)")
    }

    @Test func entitiesAfterAnErrorInsideAnItemSurvive() throws {
        // The error comes first, the references after it: libxml2 2.9 drops every later entity reference.
        let items = ["<title a='1' a='2'>x</title>"] + Self.items
        let feed = try Parse.xml(Self.feed(items: items))
        #expect(feed.entries.count == 3)
        #expect(feed.entries.dropFirst().first?.title == "Architect & Designer Position")
        #expect(feed.entries.dropFirst().first?.summary == "Last week I released a tool")
    }

    @Test func itemsAfterAnUnclosedChannelElementAreRead() throws {
        let text = Self.feed(channelExtra: "<itunes:category xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" text=\"Technology\">",
                             items: Self.items + ["<title>Third</title>"])
        let feed = try Parse.xml(text)
        #expect(feed.entries.map(\.title) == ["Architect & Designer Position", "Quotes \"here\" 'and' there", "Third"])
        #expect(feed.warnings.contains { $0.contains("closed <itunes:category>") }, "\(feed.warnings)")
    }

    @Test func rawBreakInADescriptionKeepsEveryItem() throws {
        let items = (1...4).map { "<title>Item \($0) &amp; co</title><description>line one<br>line two<br>three</description>" }
        let feed = try Parse.xml(Self.feed(items: items))
        #expect(feed.entries.map(\.title) == (1...4).map { "Item \($0) & co" })
        #expect(feed.entries.allSatisfy { $0.summary == "line one line two three" }, "\(feed.entries.map(\.summary))")
        #expect(feed.warnings.contains { $0.contains("closed <br>") }, "\(feed.warnings)")
    }

    @Test func strayEndTagIsDroppedNotUsedToCloseTheCurrentElement() throws {
        let items = ["<title>One</b> &amp; only</title><link>http://x/1</link>", "<title>Two</title>"]
        let feed = try Parse.xml(Self.feed(items: items))
        #expect(feed.entries.map(\.title) == ["One & only", "Two"])
        #expect(feed.entries.first?.link == "http://x/1")
        #expect(feed.warnings.contains { $0.contains("dropped </b>") }, "\(feed.warnings)")
    }

    @Test func unclosedItemEndsAtTheNextItem() throws {
        let text = "<rss version=\"2.0\"><channel><title>T</title><item><title>A</title><item><title>B &amp; C</title></item></channel></rss>"
        let feed = try Parse.xml(text)
        #expect(feed.entries.map(\.title) == ["A", "B & C"])
    }

    @Test func atomEntryAfterAnUnclosedFeedElement() throws {
        let text = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A &amp; B</title><author><name>N</name>"
            + "<entry><id>1</id><title>E &amp; F</title></entry><entry><id>2</id><title>G</title></entry></feed>"
        let feed = try Parse.xml(text)
        #expect(feed.title == "A & B")
        #expect(feed.entries.map(\.title) == ["E & F", "G"])
    }

    @Test func wellFormedDocumentsAreNotRebalanced() {
        let text = Self.feed(items: Self.items + ["<title>x</title><description>a<br/>b</description>"])
        let result = TagBalancer.balance(Array(text.utf8))
        #expect(result.count == 0)
        #expect(result.bytes == Array(text.utf8))
    }

    @Test func balancerSkipsCommentsCDATAAndDeclarations() {
        let text = "<!DOCTYPE rss [<!ENTITY x \"</b>\">]><rss><!-- </channel> --><channel><![CDATA[</item>]]><?pi </x>?></channel></rss>"
        let result = TagBalancer.balance(Array(text.utf8))
        #expect(result.count == 0)
    }

    @Test func feedSavedInsideAnXHTMLPageIsFound() throws {
        let text = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Saved</title></head><body><div>"
            + "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Inner</title><entry><id>1</id><title>E</title></entry></feed>"
            + "</div></body></html>"
        let feed = try Parse.xml(text)
        #expect(feed.format == .atom10)
        #expect(feed.title == "Inner")
        #expect(feed.entries.map(\.title) == ["E"])
    }

    @Test func htmlPageWithoutAFeedIsStillNotAFeed() {
        let error = Parse.failure(Array("<html><body><p>No feed here</p></body></html>".utf8))
        #expect(error?.kind == .notAFeed)
    }

    @Test func truncatedDocumentKeepsWhatItHas() throws {
        let text = Self.feed(items: Self.items)
        let cut = String(text.prefix(text.count * 3 / 4))
        let feed = try Parse.xml(cut)
        #expect(feed.entries.first?.title == "Architect & Designer Position")
        #expect(feed.warnings.contains { $0.contains("ill-formed XML recovered") })
    }
}
