import Foundation
import Testing
@testable import Feeds

/// `tidings parse --json`'s two forms start with the same members; the exact bytes are the contract.
@Suite("parse JSON: feed and failure forms")
struct SchemaJSONTests {
    @Test("a document that could not be parsed: the schema's head as nulls, no entries, the reason")
    func failure() {
        #expect(ParsedFeed.failureJSON(path: nil, error: "not a feed")
            == #"{"title":null,"link":null,"language":null,"updated":null,"entries":[],"error":"not a feed"}"#)
        #expect(ParsedFeed.failureJSON(path: "a/b.xml", error: "bad \"x\"")
            == #"{"path":"a/b.xml","title":null,"link":null,"language":null,"updated":null,"entries":[],"error":"bad \"x\""}"#)
    }

    @Test("a parsed feed without entries: path, title, link, language, updated, entries")
    func feed() {
        let feed = ParsedFeed(format: .rss, title: "T", link: "https://example.test/", language: "en",
                              updated: Date(timeIntervalSince1970: 0))
        #expect(feed.schemaJSON(path: "f.xml")
            == #"{"path":"f.xml","title":"T","link":"https://example.test/","language":"en","updated":"1970-01-01T00:00:00Z","entries":[]}"#)
        #expect(ParsedFeed(format: .rss).schemaJSON()
            == #"{"title":null,"link":null,"language":null,"updated":null,"entries":[]}"#)
    }
}
