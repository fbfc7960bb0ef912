import Foundation
import Testing
@testable import Articles

/// BOM > valid UTF-8 > declared charset > windows-1252, with an HTTP charset ahead of all; and the
/// transcoded bytes must reach libxml2 without it re-reading them in the page's declared charset.
@Suite struct CharsetTests {
    static let sentence = "Le café était fermé, mais la boulangère a dit que l’hiver serait long, très long, et froid."

    static func page(charsetDeclaration: String = "", body: String = sentence) -> String {
        "<html><head>\(charsetDeclaration)<title>Test</title></head><body><article><p>\(body)</p><p>\(body)</p><p>\(body)</p></article></body></html>"
    }

    static func windows1252(_ text: String) -> [UInt8] {
        Array(text.data(using: .windowsCP1252)!)
    }

    @Test func validUTF8WinsOverADeclaredLegacyCharset() throws {
        let html = Array(Self.page(charsetDeclaration: "<meta charset=\"gb2312\">").utf8)
        let article = try ArticleExtractor.extract(html: html, url: nil)
        #expect(article.charsetSource == .validUTF8)
        #expect(article.text.hasPrefix(Self.sentence))
    }

    @Test func undeclaredLegacyBytesAreWindows1252() throws {
        let article = try ArticleExtractor.extract(html: Self.windows1252(Self.page()), url: nil)
        #expect(article.charset == "windows-1252")
        #expect(article.charsetSource == .fallback)
        #expect(article.text.hasPrefix(Self.sentence), "’ (0x92) and é (0xE9) decoded as windows-1252")
    }

    @Test func declaredLatin1IsReadOnceNotTwice() throws {
        // libxml2 must not switch to the declared charset after we transcoded (é would become Ã©).
        let html = Self.windows1252(Self.page(charsetDeclaration: "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">"))
        let article = try ArticleExtractor.extract(html: html, url: nil)
        #expect(article.charsetSource == .declared)
        #expect(article.text.hasPrefix(Self.sentence))
        #expect(!article.text.contains("Ã"))
    }

    @Test func declaredShiftJISIsTranscoded() throws {
        let japanese = "欲張りなイヌが、橋を渡っていました。ふと下を見ると、川の中にも肉をくわえたイヌがいます。"
        let html = Array(Self.page(charsetDeclaration: "<meta charset=\"Shift_JIS\">", body: japanese).data(using: .shiftJIS)!)
        let article = try ArticleExtractor.extract(html: html, url: nil)
        #expect(article.charset == "CP932")
        #expect(article.text.hasPrefix(japanese))
    }

    @Test func byteOrderMarksDecide() throws {
        let utf8 = [0xEF, 0xBB, 0xBF] + Array(Self.page(charsetDeclaration: "<meta charset=\"iso-8859-1\">").utf8)
        let fromUTF8 = try ArticleExtractor.extract(html: utf8, url: nil)
        #expect(fromUTF8.charsetSource == .byteOrderMark)
        #expect(fromUTF8.text.hasPrefix(Self.sentence))

        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in Self.page().utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let fromUTF16 = try ArticleExtractor.extract(html: utf16, url: nil)
        #expect(fromUTF16.charset == "UTF-16LE")
        #expect(fromUTF16.text.hasPrefix(Self.sentence))
    }

    @Test func httpCharsetComesFirst() throws {
        // The bytes are valid UTF-8 *and* declare UTF-8, but the server says windows-1252: the server wins.
        let html = Array(Self.page(charsetDeclaration: "<meta charset=\"utf-8\">").utf8)
        let article = try ArticleExtractor.extract(html: html, url: nil, contentTypeCharset: "windows-1252")
        #expect(article.charsetSource == .http)
        #expect(article.text.contains("cafÃ©"))
    }

    @Test func unknownDeclaredCharsetFallsBackWithAWarning() throws {
        let html = Self.windows1252(Self.page(charsetDeclaration: "<meta charset=\"x-no-such-charset\">"))
        let article = try ArticleExtractor.extract(html: html, url: nil)
        #expect(article.charset == "windows-1252")
        #expect(article.warnings.contains { $0.contains("x-no-such-charset") })
        #expect(article.text.hasPrefix(Self.sentence))
    }

    @Test func invalidUTF8DeclaredAsUTF8IsRepaired() throws {
        var html = Array(Self.page(charsetDeclaration: "<meta charset=\"utf-8\">").utf8)
        html.insert(0xFF, at: html.count - 30)
        let article = try ArticleExtractor.extract(html: html, url: nil)
        #expect(article.charsetSource == .declared)
        #expect(article.warnings.contains { $0.contains("U+FFFD") })
    }
}
