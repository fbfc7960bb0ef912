import Foundation
import Testing
@testable import Feeds

@Suite("Feed formats") struct FormatTests {
    @Test func rss20WithCommonNamespaces() throws {
        let feed = try Parse.xml("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
                 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
                 xmlns:media="http://search.yahoo.com/mrss/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
            <channel>
              <title>Example News</title>
              <link>https://news.example.com/</link>
              <atom:link href="https://news.example.com/feed" rel="self" type="application/rss+xml"/>
              <language>en-gb</language>
              <lastBuildDate>Sat, 21 Nov 2026 10:00:00 GMT</lastBuildDate>
              <ttl>30</ttl>
              <sy:updatePeriod>hourly</sy:updatePeriod>
              <sy:updateFrequency>2</sy:updateFrequency>
              <image><title>Logo title must not win</title><url>https://news.example.com/logo.png</url></image>
              <item>
                <title>Flood warning &amp; evacuation</title>
                <link>https://news.example.com/flood</link>
                <guid isPermaLink="false">urn:news:1</guid>
                <pubDate>Sat, 21 Nov 2026 09:30:00 +0100</pubDate>
                <dc:creator>Alice Martin</dc:creator>
                <category>Weather</category>
                <dc:subject>Local</dc:subject>
                <description>&lt;p&gt;Rivers rise &lt;b&gt;fast&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Move uphill.&lt;/p&gt;</description>
                <content:encoded><![CDATA[<p>Full story <a href="/x">here</a>.</p><script>alert(1)</script>]]></content:encoded>
                <enclosure url="https://news.example.com/a.mp3" type="audio/mpeg" length="12345"/>
                <media:content url="https://news.example.com/p.jpg" type="image/jpeg" fileSize="999"/>
              </item>
            </channel>
            </rss>
            """)
        #expect(feed.format == .rss20)
        #expect(feed.title == "Example News")
        #expect(feed.link == "https://news.example.com/")
        #expect(feed.language == "en-gb")
        #expect(Parse.iso(feed.updated) == "2026-11-21T10:00:00Z")
        #expect(feed.hints.ttlSeconds == 1800)
        #expect(feed.hints.updateIntervalSeconds == 1800)
        let entry = try #require(feed.entries.first)
        #expect(entry.title == "Flood warning & evacuation")
        #expect(entry.link == "https://news.example.com/flood")
        #expect(entry.id == "urn:news:1")
        #expect(entry.stableID == "urn:news:1")
        #expect(Parse.iso(entry.published) == "2026-11-21T08:30:00Z")
        #expect(entry.updated == nil)
        #expect(entry.authors == ["Alice Martin"])
        #expect(entry.categories == ["Weather", "Local"])
        #expect(entry.summary == "Rivers rise fast. Move uphill.")
        #expect(entry.summaryHTML == "<p>Rivers rise <b>fast</b>.</p><p>Move uphill.</p>")
        #expect(entry.content == "Full story here.")
        #expect(entry.contentHTML?.contains("<script>") == true)
        #expect(entry.enclosures == [
            FeedEnclosure(url: "https://news.example.com/a.mp3", type: "audio/mpeg", length: 12345),
            FeedEnclosure(url: "https://news.example.com/p.jpg", type: "image/jpeg", length: 999),
        ])
    }

    @Test(arguments: [("0.91", FeedFormat.rss091), ("0.92", .rss092), ("0.93", .rss093), ("0.94", .rss094),
                      ("2.0", .rss20), ("", .rss)])
    func rssVersions(version: String, format: FeedFormat) throws {
        let attribute = version.isEmpty ? "" : " version=\"\(version)\""
        let feed = try Parse.xml("<rss\(attribute)><channel><title>V</title><item><title>a</title></item></channel></rss>")
        #expect(feed.format == format)
        #expect(feed.entries.map(\.title) == ["a"])
    }

    @Test func rss090AndRSS10AreRDF() throws {
        let rss090 = try Parse.xml("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
              <channel><title>Old</title><link>http://old.example/</link></channel>
              <item><title>First</title><link>http://old.example/1</link></item>
              <item><title>Second</title><link>http://old.example/2</link></item>
            </rdf:RDF>
            """)
        #expect(rss090.format == .rss090)
        #expect(rss090.title == "Old")
        #expect(rss090.entries.map(\.link) == ["http://old.example/1", "http://old.example/2"])

        let rss10 = try Parse.xml("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="http://new.example/"><title>New</title><dc:language>fr</dc:language></channel>
              <item rdf:about="http://new.example/a"><title>A</title><link>http://new.example/a</link>
                <dc:date>2004-02-29T12:00:00+01:00</dc:date><description>plain &amp; simple</description></item>
            </rdf:RDF>
            """)
        #expect(rss10.format == .rss10)
        #expect(rss10.language == "fr")
        let item = try #require(rss10.entries.first)
        #expect(item.id == "http://new.example/a")
        #expect(Parse.iso(item.updated) == "2004-02-29T11:00:00Z")
        #expect(item.summary == "plain & simple")
    }

    @Test func atom10TextConstructsLinksAndPeople() throws {
        let feed = try Parse.xml("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en_US" xml:base="https://blog.example.org/">
              <title type="html">Notes &lt;b&gt;bold&lt;/b&gt; &amp;amp; more</title>
              <link rel="self" href="/atom.xml"/>
              <link rel="alternate" type="text/html" href="/"/>
              <updated>2026-11-20T08:00:00Z</updated>
              <entry>
                <title type="text">1 &lt; 2</title>
                <id>tag:blog.example.org,2026:1</id>
                <link href="posts/1"/>
                <link rel="enclosure" href="media/1.mp3" type="audio/mpeg" length="42"/>
                <published>2026-11-19T10:00:00-05:00</published>
                <updated>2026-11-19T16:00:00.250+01:00</updated>
                <author><name>Chen Wei</name><email>chen@example.org</email></author>
                <author><email>only@example.org</email></author>
                <category term="science" label="Science"/>
                <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>Two</p></div></summary>
                <content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
              </entry>
            </feed>
            """)
        #expect(feed.format == .atom10)
        #expect(feed.title == "Notes bold & more")
        #expect(feed.link == "https://blog.example.org/")
        #expect(feed.language == "en-US")
        #expect(Parse.iso(feed.updated) == "2026-11-20T08:00:00Z")
        let entry = try #require(feed.entries.first)
        #expect(entry.title == "1 < 2")
        #expect(entry.id == "tag:blog.example.org,2026:1")
        #expect(entry.link == "https://blog.example.org/posts/1")
        #expect(entry.enclosures == [FeedEnclosure(url: "https://blog.example.org/media/1.mp3", type: "audio/mpeg", length: 42)])
        #expect(Parse.iso(entry.published) == "2026-11-19T15:00:00Z")
        #expect(Parse.iso(entry.updated) == "2026-11-19T15:00:00Z")
        #expect(entry.authors == ["Chen Wei", "only@example.org"])
        #expect(entry.categories == ["science"])
        #expect(entry.summary == "One Two")
        #expect(entry.summaryHTML?.contains("<p>One</p>") == true)
        #expect(entry.content == "Body")
    }

    @Test func atom03ModesAndDates() throws {
        let feed = try Parse.xml("""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <title mode="escaped" type="text/html">A &amp;amp; B</title>
              <modified>2004-01-01T00:00:00Z</modified>
              <entry>
                <title mode="base64" type="text/plain">SGVsbG8gPGI+V29ybGQ8L2I+</title>
                <issued>2003-12-31T23:00:00-01:00</issued>
                <modified>2004-01-02T00:00:00Z</modified>
                <link rel="alternate" type="text/html" href="http://atom03.example/1"/>
                <content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">X<br/>Y</div></content>
              </entry>
            </feed>
            """)
        #expect(feed.format == .atom03)
        #expect(feed.title == "A & B")
        #expect(Parse.iso(feed.updated) == "2004-01-01T00:00:00Z")
        let entry = try #require(feed.entries.first)
        #expect(entry.title == "Hello <b>World</b>")
        #expect(Parse.iso(entry.published) == "2004-01-01T00:00:00Z")
        #expect(Parse.iso(entry.updated) == "2004-01-02T00:00:00Z")
        #expect(entry.link == "http://atom03.example/1")
        #expect(entry.content == "X Y")
    }

    @Test(arguments: ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"])
    func jsonFeed(version: String) throws {
        let json = """
            {"version": "\(version)", "title": "JSON News", "home_page_url": "https://j.example/",
             "language": "de", "authors": [{"name": "Feed Author"}],
             "items": [
               {"id": "1", "url": "https://j.example/1", "title": "First", "content_html": "<p>Hi &amp; bye</p>",
                "summary": "Short", "date_published": "2026-01-02T03:04:05+01:00", "tags": ["a", "b"],
                "attachments": [{"url": "https://j.example/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 7}]},
               {"id": 2, "content_text": "Second  text", "date_modified": "2026-01-03T00:00:00Z",
                "author": {"name": "Item Author"}}
             ]}
            """
        let feed = try Parse.xml(json)
        #expect(feed.format == (version.hasSuffix("1.1") ? .json11 : .json10))
        #expect(feed.title == "JSON News")
        #expect(feed.link == "https://j.example/")
        #expect(feed.language == "de")
        #expect(feed.entries.count == 2)
        let first = feed.entries[0]
        #expect(first.content == "Hi & bye")
        #expect(first.contentHTML == "<p>Hi &amp; bye</p>")
        #expect(first.summary == "Short")
        #expect(Parse.iso(first.published) == "2026-01-02T02:04:05Z")
        #expect(first.categories == ["a", "b"])
        #expect(first.authors == ["Feed Author"])
        #expect(first.enclosures == [FeedEnclosure(url: "https://j.example/a.mp3", type: "audio/mpeg", length: 7)])
        let second = feed.entries[1]
        #expect(second.id == "2")
        #expect(second.content == "Second text")
        #expect(second.authors == ["Item Author"])
        #expect(Parse.iso(second.updated) == "2026-01-03T00:00:00Z")
    }

    @Test func notAFeedIsRefusedClearly() {
        let html = Parse.failure(Array("<html><body><p>hello</p></body></html>".utf8))
        #expect(html?.kind == .notAFeed)
        #expect(html?.message.contains("html") == true)
        let json = Parse.failure(Array("[1, 2, 3]".utf8))
        #expect(json?.kind == .notAFeed)
        let broken = Parse.failure(Array("{\"version\": ".utf8))
        #expect(broken?.kind == .malformed)
        #expect(Parse.failure([])?.kind == .empty)
        #expect(Parse.failure(Array("   \n ".utf8))?.kind == .empty)
    }

    @Test func guidIsTheLinkOnlyWhenItIsAPermalinkURL() throws {
        let permalink = try Parse.xml(Parse.rssItem("<guid>https://e.example/p/1</guid>"))
        #expect(permalink.entries[0].link == "https://e.example/p/1")
        let notPermalink = try Parse.xml(Parse.rssItem("<guid isPermaLink=\"false\">https://e.example/p/1</guid>"))
        #expect(notPermalink.entries[0].link == nil)
        let linkWins = try Parse.xml(Parse.rssItem("<guid>https://e.example/g</guid><link>https://e.example/l</link>"))
        #expect(linkWins.entries[0].link == "https://e.example/l")
    }

    @Test func rssAuthorFormsBecomeNames() {
        #expect(FeedTreeReader.personName(fromRSS: "jo@example.com (Jo Bloggs)") == "Jo Bloggs")
        #expect(FeedTreeReader.personName(fromRSS: "Jo Bloggs <jo@example.com>") == "Jo Bloggs")
        #expect(FeedTreeReader.personName(fromRSS: "jo@example.com") == "jo@example.com")
        #expect(FeedTreeReader.personName(fromRSS: "Jo Bloggs") == "Jo Bloggs")
    }

    @Test func relativeLinksResolveAgainstTheSourceURLWhenGiven() throws {
        let xml = Parse.rssItem("<link>/story/7</link>")
        let bare = try Parse.xml(xml)
        #expect(bare.entries[0].link == "/story/7")
        let resolved = try Parse.xml(xml, options: FeedParseOptions(sourceURL: "https://site.example/feeds/main.xml"))
        #expect(resolved.entries[0].link == "https://site.example/story/7")
    }

    @Test func stableIDsFallBackFromIDToLinkToHash() throws {
        let feed = try Parse.xml("""
            <rss version="2.0"><channel><title>S</title><link>https://s.example/</link>
            <item><guid isPermaLink="false">g-1</guid><title>A</title></item>
            <item><link>https://s.example/b</link><title>B</title></item>
            <item><title>C</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>
            <item><title>D</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>
            </channel></rss>
            """)
        let ids = feed.entries.map(\.stableID)
        #expect(ids[0] == "g-1")
        #expect(ids[1] == "https://s.example/b")
        #expect(ids[2].hasPrefix("tidings:") && ids[3].hasPrefix("tidings:"))
        #expect(ids[2] != ids[3])
        // The same document parsed again gives the same ids (they must survive re-polls).
        let again = try Parse.xml("""
            <rss version="2.0"><channel><title>S</title><link>https://s.example/</link>
            <item><title>C</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>
            """)
        #expect(again.entries[0].stableID == ids[2])
    }

    @Test func opmlReaderFindsNestedOutlines() throws {
        let opml = """
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>Subs</title></head><body>
              <outline text="News">
                <outline text="BBC" title="BBC News" type="rss" xmlUrl="https://bbc.example/rss.xml"/>
                <outline text="Deep"><outline text="Nested" xmlUrl="https://deep.example/feed"/></outline>
              </outline>
              <outline text="Duplicate" xmlUrl="https://bbc.example/rss.xml"/>
              <outline text="A web page" type="link" url="https://page.example/"/>
            </body></opml>
            """
        let feeds = try OPMLReader.feeds(from: Array(opml.utf8))
        #expect(feeds.map(\.url) == ["https://bbc.example/rss.xml", "https://deep.example/feed"])
        #expect(feeds.map(\.title) == ["BBC News", "Nested"])
        #expect(throws: OPMLReader.Error.self) { try OPMLReader.feeds(from: Array("<rss/>".utf8)) }
        #expect(throws: OPMLReader.Error.self) { try OPMLReader.feeds(from: Array("not xml at all".utf8)) }
    }

    @Test func opmlReaderTrimsUnicodeWhiteSpaceAroundURLsAndTitles() throws {
        let opml = "<opml version=\"2.0\"><body><outline title=\" \u{00A0}Spaced\ttitle\u{2003}\n\" "
            + "xmlUrl=\"\n  https://spaced.example/feed \t\"/><outline title=\"\u{3000}\" xmlUrl=\"https://plain.example/f\"/>"
            + "<outline title=\"T\" xmlUrl=\" \u{00A0} \"/></body></opml>"
        let feeds = try OPMLReader.feeds(from: Array(opml.utf8))
        #expect(feeds.map(\.url) == ["https://spaced.example/feed", "https://plain.example/f"])
        // Inner white space stays (XML turns the attribute's tab into a space); white space only is no title.
        #expect(feeds.map(\.title) == ["Spaced title", nil])
        #expect(OPMLReader.trimmingWhitespace("\u{2028}é\u{0085}") == "é")
        #expect(OPMLReader.trimmingWhitespace("as is") == "as is")
    }
}
