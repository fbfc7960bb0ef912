import Foundation
import Testing
@testable import Feeds

@Suite("Encodings and entities") struct EncodingTests {
    static let title = "Café “quoted” — €5 Привет"

    static func document(declaring encoding: String?) -> String {
        let declaration = encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
        return declaration + "<rss version=\"2.0\"><channel><title>\(title)</title></channel></rss>"
    }

    @Test func utf8WithAndWithoutBOM() throws {
        let plain = Array(Self.document(declaring: "utf-8").utf8)
        #expect(try Parse.bytes(plain).title == Self.title)
        #expect(try Parse.bytes([0xEF, 0xBB, 0xBF] + plain).title == Self.title)
    }

    @Test(arguments: ["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"])
    func wideEncodingsWithBOM(encoding: String) throws {
        let bom: [UInt8] = switch encoding {
        case "UTF-16LE": [0xFF, 0xFE]
        case "UTF-16BE": [0xFE, 0xFF]
        case "UTF-32LE": [0xFF, 0xFE, 0, 0]
        default: [0, 0, 0xFE, 0xFF]
        }
        let bytes = bom + Self.document(declaring: "utf-16").encoded(as: encoding)
        let feed = try Parse.bytes(bytes)
        #expect(feed.title == Self.title)
        #expect(feed.encoding == encoding.lowercased())
    }

    @Test(arguments: ["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"])
    func wideEncodingsWithoutBOM(encoding: String) throws {
        let feed = try Parse.bytes(Self.document(declaring: nil).encoded(as: encoding))
        #expect(feed.title == Self.title)
    }

    @Test(arguments: [("koi8-r", "Привет мир"), ("windows-1251", "Привет мир"), ("iso-8859-7", "Καλημέρα"),
                      ("windows-1255", "שלום"), ("euc-kr", "안녕하세요"), ("shift_jis", "こんにちは"),
                      ("gb2312", "你好世界"), ("iso-8859-1", "Grüße à Noël")])
    func declaredLegacyEncodings(encoding: String, text: String) throws {
        let xml = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss><channel><title>\(text)</title></channel></rss>"
        let feed = try Parse.bytes(xml.encoded(as: encoding))
        #expect(feed.title == text)
    }

    @Test func latin1IsReadAsWindows1252SoSmartQuotesSurvive() throws {
        // 0x93/0x94 are C1 controls in ISO-8859-1 but quotes in windows-1252, which is what publishers mean.
        let bytes = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>".utf8)
            + [0x93, 0x68, 0x69, 0x94, 0x20, 0x80] + Array("</title></channel></rss>".utf8)
        #expect(try Parse.bytes(bytes).title == "“hi” €")
    }

    @Test func declaredUTF8ButInvalidFallsBackToWindows1252WithAWarning() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>caf".utf8)
            + [0xE9, 0x20, 0x92, 0x73] + Array("</title></channel></rss>".utf8)
        let feed = try Parse.bytes(bytes)
        #expect(feed.title == "café ’s")
        #expect(feed.warnings.contains { $0.contains("not valid UTF-8") })
    }

    @Test func c1ControlsInUTF8AreReadAsWindows1252() throws {
        // U+0093/U+0094 encoded as UTF-8: "demoronised" to real quotes.
        let bytes = Array("<rss><channel><title>".utf8) + [0xC2, 0x93, 0x6F, 0x6B, 0xC2, 0x94]
            + Array("</title></channel></rss>".utf8)
        #expect(try Parse.bytes(bytes).title == "“ok”")
    }

    @Test func charsetHintPrecedence() throws {
        // Hint beats the declaration…
        let cyrillic = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>Привет</title></channel></rss>"
        let koi8 = cyrillic.encoded(as: "koi8-r")
        #expect(try Parse.bytes(koi8, options: FeedParseOptions(charsetHint: "koi8-r")).title == "Привет")
        // …but a byte-order mark beats the hint.
        let utf8BOM = [0xEF, 0xBB, 0xBF] + Array(Self.document(declaring: "utf-8").utf8)
        #expect(try Parse.bytes(utf8BOM, options: FeedParseOptions(charsetHint: "iso-8859-1")).title == Self.title)
        // A wrong latin-1 hint on valid UTF-8 bytes declared UTF-8 loses to the bytes.
        let utf8 = Array(Self.document(declaring: "utf-8").utf8)
        #expect(try Parse.bytes(utf8, options: FeedParseOptions(charsetHint: "ISO-8859-1")).title == Self.title)
    }

    @Test func utf8MislabelledAsLatin1IsReadAsUTF8() throws {
        let bytes = Array(Self.document(declaring: "iso-8859-1").utf8)
        let feed = try Parse.bytes(bytes)
        #expect(feed.title == Self.title)
        #expect(feed.warnings.contains { $0.contains("the bytes are UTF-8") })
    }

    @Test func unknownEncodingNameFallsBackToUTF8WithAWarning() throws {
        let feed = try Parse.bytes(Array(Self.document(declaring: "x-no-such-charset").utf8))
        #expect(feed.title == Self.title)
        #expect(feed.warnings.contains { $0.contains("unknown encoding") })
    }

    @Test func htmlNamedEntitiesInXMLAreDecoded() throws {
        let feed = try Parse.xml(Parse.rssItem("<title>A&mdash;B&nbsp;C&hellip; &eacute;t&eacute; &apos;x&apos; &notanentity; R&D</title>"))
        #expect(feed.entries[0].title == "A—B\u{00A0}C… été 'x' &notanentity; R&D")
        #expect(feed.warnings.contains { $0.contains("repaired") })
    }

    @Test func bareAmpersandsInURLsSurvive() throws {
        let feed = try Parse.xml(Parse.rssItem("<link>http://e.example/?a=1&b=2&amp;c=3</link>"))
        #expect(feed.entries[0].link == "http://e.example/?a=1&b=2&c=3")
    }

    @Test func numericReferencesIncludingBrokenOnes() throws {
        let feed = try Parse.xml(Parse.rssItem(
            "<title>&#38;&#x26;&#X41;&#150;&#8217;</title><description>&amp;#226;&amp;#128;&amp;#166;</description>"))
        #expect(feed.entries[0].title == "&&A–’")
        // UTF-8 bytes written as Latin-1 references (double-encoded): the intended character.
        #expect(feed.entries[0].summary == "…")
    }

    @Test func entitiesInsideCDATAAreNotTouched() throws {
        let feed = try Parse.xml(Parse.rssItem("<title><![CDATA[AT&T &amp; more]]></title>"))
        // CDATA is literal text; the title then looks like HTML (it holds a reference) and is decoded once.
        #expect(feed.entries[0].title == "AT&T & more")
    }
}
