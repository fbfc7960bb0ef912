import Foundation
import Testing
@testable import Feeds

@Suite("Feed dates") struct DateTests {
    @Test(arguments: [
        // RFC 822 / 2822 / 1123
        ("Sat, 21 Nov 2026 10:00:00 GMT", "2026-11-21T10:00:00Z"),
        ("Sat, 21 Nov 2026 10:00:00 +0130", "2026-11-21T08:30:00Z"),
        ("Sat, 21 Nov 2026 10:00:00 -05:00", "2026-11-21T15:00:00Z"),
        ("21 Nov 2026 10:00 UT", "2026-11-21T10:00:00Z"),  // no day name, no seconds
        ("Mon, 21 Nov 2026 10:00:00 GMT", "2026-11-21T10:00:00Z"),  // wrong day name is ignored
        ("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"),  // two-digit year
        ("Sat, 21 Nov 99 10:00:00 GMT", "1999-11-21T10:00:00Z"),
        ("Sat,  5 Apr 2012 10:00:00 EST", "2012-04-05T15:00:00Z"),  // named US zone, padded day
        ("Sat, 5 Apr 2012 10:00:00 PDT", "2012-04-05T17:00:00Z"),
        ("Sat, 5 Apr 2012 10:00:00 CEST", "2012-04-05T08:00:00Z"),
        ("Sat, 5 Apr 2012 10:00:00 Z", "2012-04-05T10:00:00Z"),
        ("Sat, 5 Apr 2012 10:00:00 A", "2012-04-05T09:00:00Z"),  // military zone
        ("Sat, 5 Apr 2012 10:00:00 N", "2012-04-05T11:00:00Z"),
        ("Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z"),  // stray comma
        ("Mon, 26 January 2004 16:31:00 ET", "2004-01-26T21:31:00Z"),  // full month name
        ("Wed, 19 Feb 2012 22:40:00 GMT-01:01", "2012-02-19T23:41:00Z"),
        ("Thu, 01 Jan 2004", "2004-01-01T00:00:00Z"),  // date only
        ("Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z"),
        ("Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z"),  // JavaScript toString
        // asctime
        ("Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z"),
        ("Sun Jul 15 01:16:00 +0000 2012", "2012-07-15T01:16:00Z"),
        // RFC 3339 / ISO 8601 / W3CDTF
        ("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z"),
        ("2026-11-21T10:00:00+02:00", "2026-11-21T08:00:00Z"),
        ("2026-11-21T10:00:00.123456-08:00", "2026-11-21T18:00:00Z"),
        ("2026-11-21t10:00:00z", "2026-11-21T10:00:00Z"),
        ("2026-11-21 10:00:00", "2026-11-21T10:00:00Z"),  // space, no zone = UTC
        ("2026-11-21 10:00:00 -00:20", "2026-11-21T10:20:00Z"),
        ("2026-11-21T10:00Z", "2026-11-21T10:00:00Z"),  // no seconds
        ("2026-11-21T1000+0100", "2026-11-21T09:00:00Z"),  // basic time, compact zone
        ("2026-11-21", "2026-11-21T00:00:00Z"),
        ("2026-11", "2026-11-01T00:00:00Z"),
        ("2026", "2026-01-01T00:00:00Z"),
        ("20261121", "2026-11-21T00:00:00Z"),
        ("2004-060", "2004-02-29T00:00:00Z"),  // ordinal date
        ("03335", "2003-12-01T00:00:00Z"),  // two-digit year, ordinal
        ("-0312", "2003-12-01T00:00:00Z"),
        ("2000-02-28T18:14:55-08:00", "2000-02-29T02:14:55Z"),  // leap day across the zone shift
        // Greek
        ("Κυρ, 11 Ιούλ 2004 12:00:00 EST", "2004-07-11T17:00:00Z"),
    ])
    func parses(input: String, expected: String) {
        #expect(Parse.iso(FeedDate.parse(input)) == expected, "\(input)")
    }

    @Test(arguments: [
        "", "   ", "yesterday", "Sun, 16 Dec 2012 1:2:3:4 GMT", "Sun, 16 zzz 2012 11:47:32 GMT",
        "Sun, Dec x 2012 11:47:32 GMT", "Sun, 16 Dec zz 11:47:32 GMT", "Sun, 16 Dec 2012 11:47:32 +zz:00",
        "Sun, 99 Jun 2009 12:00:00 GMT", "2003-02-29", "2026-13-01", "2026-11-21T25:00:00Z", "013",
        // Found by the fuzzer: overlong numbers must not overflow.
        "2026-019999999999999999999999999999999-01T00:00:00Z", "Sun, 16 Dec 99999999999999999999999 11:47:32 GMT",
        "Sun, 16 Dec 2012 ١١:٤٧:٣٢ GMT", "123456789012-01-01",
    ])
    func rejects(input: String) {
        #expect(FeedDate.parse(input) == nil, "\(input)")
    }

    @Test func formatsAncientAndFutureYears() {
        #expect(Parse.iso(FeedDate.parse("Thu, 01 Jan 0100 00:00:01 +0100")) == "0099-12-31T23:00:01Z")
        #expect(Parse.iso(FeedDate.parse("9999-12-31T23:59:59Z")) == "9999-12-31T23:59:59Z")
    }

    @Test func rssDatesLandInTheRightFields() throws {
        let feed = try Parse.xml(Parse.rssItem(
            "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate><dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\">2026-11-22T00:00:00Z</dc:date>",
            channel: "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>"))
        #expect(feed.updated == nil)  // a channel pubDate is not "updated"
        #expect(Parse.iso(feed.entries[0].published) == "2026-11-21T10:00:00Z")
        #expect(Parse.iso(feed.entries[0].updated) == "2026-11-22T00:00:00Z")
    }
}
