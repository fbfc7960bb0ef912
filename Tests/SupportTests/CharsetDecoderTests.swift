import Support
import Testing

/// One decoder, two precedences: the same bytes are read by feed rules (RFC 7303: the bytes' own marks and
/// evidence first, output clean for XML) and by page rules (WHATWG: the transport charset first, U+FFFD for
/// invalid bytes), and each case below is one where the two must differ.
struct CharsetDecoderTests {
    static func text(_ decoded: CharsetDecoder.Decoded) -> String { String(decoding: decoded.utf8, as: UTF8.self) }

    @Test func aTransportLabelOnUTF8BytesLosesForFeedsAndWinsForPages() {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><p>café crème</p>".utf8)
        let feed = CharsetDecoder.decode(bytes, transportCharset: "ISO-8859-1", precedence: .feed)
        #expect(feed.charset == "utf-8" && feed.source == .validUTF8)
        #expect(Self.text(feed).contains("café crème"))
        #expect(feed.warnings == ["declared windows-1252 but the bytes are UTF-8; read as utf-8"])

        let page = CharsetDecoder.decode(bytes, transportCharset: "ISO-8859-1", precedence: .page)
        #expect(page.charset == "windows-1252" && page.source == .http)
        #expect(Self.text(page).contains("cafÃ© crÃ¨me"))
    }

    @Test func aByteOrderMarkOutranksTheTransportOnlyForFeeds() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<p>é</p>".utf8)
        let feed = CharsetDecoder.decode(bytes, transportCharset: "windows-1252", precedence: .feed)
        #expect(feed.source == .byteOrderMark && Self.text(feed) == "<p>é</p>")
        let page = CharsetDecoder.decode(bytes, transportCharset: "windows-1252", precedence: .page)
        #expect(page.source == .http && Self.text(page) == "ï»¿<p>Ã©</p>")
        // Without a transport label the page reads the mark too.
        let bare = CharsetDecoder.decode(bytes, transportCharset: nil, precedence: .page)
        #expect(bare.source == .byteOrderMark && bare.charset == "UTF-8" && Self.text(bare) == "<p>é</p>")
    }

    @Test func invalidUTF8IsWindows1252ForFeedsAndReplacementForPages() {
        let bytes: [UInt8] = Array("<p>caf".utf8) + [0xE9] + Array(" \u{1}ok</p>".utf8)
        let feed = CharsetDecoder.decode(bytes, transportCharset: "utf-8", precedence: .feed)
        #expect(feed.charset == "windows-1252")
        #expect(Self.text(feed) == "<p>café ok</p>", "é read as windows-1252, the C0 control dropped for XML")
        #expect(feed.warnings == ["bytes are not valid UTF-8; invalid bytes read as windows-1252"])
        let page = CharsetDecoder.decode(bytes, transportCharset: "utf-8", precedence: .page)
        #expect(page.charset == "UTF-8")
        #expect(Self.text(page) == "<p>caf\u{FFFD} \u{1}ok</p>")
        #expect(page.warnings == ["invalid UTF-8 sequences replaced with U+FFFD"])
    }

    @Test func labelsAreSpelledByEachPrecedence() {
        let bytes: [UInt8] = [0x3C, 0x70, 0x3E, 0x82, 0xA0, 0x3C, 0x2F, 0x70, 0x3E]  // <p>あ</p> in Shift_JIS
        let feed = CharsetDecoder.decode(bytes, transportCharset: "Shift_JIS", precedence: .feed)
        #expect(feed.charset == "shift_jis" && Self.text(feed) == "<p>あ</p>")
        let page = CharsetDecoder.decode(bytes, transportCharset: "Shift_JIS", precedence: .page)
        #expect(page.charset == "CP932" && Self.text(page) == "<p>あ</p>")
        // An unknown label: feeds try it and fall back to UTF-8, pages skip it and read the bytes.
        let unknownFeed = CharsetDecoder.decode(Array("<p>x</p>".utf8), transportCharset: "x-none", precedence: .feed)
        #expect(unknownFeed.charset == "utf-8" && unknownFeed.warnings == ["unknown encoding x-none"])
        let unknownPage = CharsetDecoder.decode(Array("<p>x</p>".utf8), transportCharset: "x-none", precedence: .page)
        #expect(unknownPage.source == .validUTF8 && unknownPage.warnings == ["unknown HTTP charset \"x-none\" ignored"])
    }

    @Test func iconvFailsOrReplacesAsAsked() {
        let invalid: [UInt8] = [0x41, 0x82, 0x41]  // 0x82 is not ASCII
        #expect(Iconv.convert(invalid[...], from: "US-ASCII") == nil)
        let replaced = Iconv.convert(invalid[...], from: "US-ASCII", replacingInvalid: true)
        #expect(replaced?.replaced == true)
        #expect(replaced.map { String(decoding: $0.bytes, as: UTF8.self) }?.contains("\u{FFFD}") == true)
        #expect(Iconv.convert([0x41][...], from: "no-such-encoding") == nil)
    }
}
