import Foundation
import Testing
@testable import Feeds

/// Podcast and author fields, 12-hour clocks, JSON Feed 1.1 authors, and UTF-8 mis-declared as Latin-1.
@Suite("Authors, dates and mis-read UTF-8") struct PeopleAndMisreadTests {
    static let itunes = "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\""

    static func podcast(_ items: String, channel: String = "") -> String {
        "<rss version=\"2.0\" \(itunes) xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>P</title>\(channel)\(items)</channel></rss>"
    }

    @Test func itunesAuthorIsAnEntryAuthor() throws {
        let feed = try Parse.xml(Self.podcast("<item><title>a</title><itunes:author>Ann Host</itunes:author></item>"))
        #expect(feed.entries.first?.authors == ["Ann Host"])
    }

    @Test func itunesAuthorBesideDCCreatorIsListedOnceWhenEqual() throws {
        let items = "<item><dc:creator>Ann</dc:creator><itunes:author>Ann</itunes:author></item>"
            + "<item><dc:creator>Ann</dc:creator><itunes:author>Bob</itunes:author></item>"
        let feed = try Parse.xml(Self.podcast(items))
        #expect(feed.entries.map(\.authors) == [["Ann"], ["Ann", "Bob"]])
    }

    @Test func channelItunesAuthorIsTheFeedsAuthorNotInheritedByEntries() throws {
        // feedparser gives the channel's itunes:author to the feed only; entries without one have no author.
        let feed = try Parse.xml(Self.podcast("<item><title>a</title></item>",
                                              channel: "<itunes:author>The Show</itunes:author>"))
        #expect(feed.authors == ["The Show"])
        #expect(feed.entries.first?.authors == [])
    }

    @Test func rssAuthorWithChildrenGivesTheName() throws {
        let feed = try Parse.xml(Parse.rssItem("<author><name>Diane Chaleff</name><title>Product Manager, Office of the CTO</title></author>"))
        #expect(feed.entries.first?.authors == ["Diane Chaleff"])
    }

    @Test func rssAuthorWithOnlyAnEmailChild() throws {
        let feed = try Parse.xml(Parse.rssItem("<author><email>jo@example.com</email></author>"))
        #expect(feed.entries.first?.authors == ["jo@example.com"])
    }

    @Test func plainRSSAuthorUnchanged() throws {
        let feed = try Parse.xml(Parse.rssItem("<author>jo@example.com (Jo Bloggs)</author>"))
        #expect(feed.entries.first?.authors == ["Jo Bloggs"])
    }

    @Test func mediaTitleOnlyWhenTheEntryHasNoTitle() throws {
        let media = "xmlns:media=\"http://search.yahoo.com/mrss/\""
        let feed = try Parse.xml("<rss version=\"2.0\" \(media)><channel><title>V</title>"
            + "<item><media:title>Video one</media:title></item>"
            + "<item><title>Own</title><media:title>Video two</media:title></item>"
            + "<item><media:group><media:content url=\"http://x/v.mp4\"><media:title>Nested</media:title></media:content></media:group></item>"
            + "</channel></rss>")
        #expect(feed.entries.map(\.title) == ["Video one", "Own", "Nested"])
    }

    @Test(arguments: [
        ("Tue, 10 Jun 2003 8:19 pm CEST", "2003-06-10T18:19:00Z"),
        ("Tue, 10 Jun 2003 8:19pm CEST", "2003-06-10T18:19:00Z"),
        ("10 Jun 2003 12:05 am GMT", "2003-06-10T00:05:00Z"),
        ("10 Jun 2003 12:05 PM GMT", "2003-06-10T12:05:00Z"),
        ("10 Jun 2003 11:59:30 p.m. +0000", "2003-06-10T23:59:30Z"),
        ("10 Jun 2003 08:19 +0000", "2003-06-10T08:19:00Z"),
    ])
    func twelveHourClock(_ text: String, _ expected: String) {
        #expect(Parse.iso(FeedDate.parse(text)) == expected)
    }

    @Test func meridiemWithAnImpossibleHourIsNoDate() {
        #expect(FeedDate.parse("10 Jun 2003 13:05 pm GMT") == nil)
    }

    @Test func jsonFeedAuthorsWinOverTheDeprecatedAuthor() throws {
        let json = """
        {"version":"https://jsonfeed.org/version/1.1","title":"J","authors":[{"name":"Ann"}],"author":{"name":"Ann"},
         "items":[{"id":"1","authors":[{"name":"Bob"},{"name":"Cy"}],"author":{"name":"Bob"}},
                  {"id":"2","author":{"name":"Old Style"}},
                  {"id":"3"}]}
        """
        let feed = try Parse.xml(json)
        #expect(feed.entries.map(\.authors) == [["Bob", "Cy"], ["Old Style"], ["Ann"]])
    }

    @Test func utf8FieldInALatin1FeedIsRepairedWithAWarning() throws {
        // Mostly Latin-1 ("Café", one byte), one field in UTF-8 ("Brøndby", two bytes): not valid UTF-8 as a
        // whole, so the document is read as declared, and the one field is repaired.
        var bytes = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Caf".utf8)
        bytes.append(0xE9)
        bytes += Array("</title><item><title>Br".utf8) + [0xC3, 0xB8] + Array("ndby IF</title></item></channel></rss>".utf8)
        let feed = try Parse.bytes(bytes)
        #expect(feed.title == "Café")
        #expect(feed.entries.first?.title == "Brøndby IF")
        #expect(feed.warnings.contains { $0.contains("again as UTF-8") }, "\(feed.warnings)")
    }

    @Test func realLatin1TextIsLeftAlone() throws {
        // "Ã" followed by "©" could be UTF-8 for "é", but "Ã ©" with a space cannot; nor can "Ã" at the end.
        #expect(MisreadUTF8.repaired("São Paulo Ã") == nil)
        #expect(MisreadUTF8.repaired("Ã ©") == nil)
        #expect(MisreadUTF8.repaired("plain ascii") == nil)
        #expect(MisreadUTF8.repaired("â€œquotedâ€\u{9D}") == "“quoted”")
        #expect(MisreadUTF8.repaired("BrÃ¸ndby") == "Brøndby")
    }
}
