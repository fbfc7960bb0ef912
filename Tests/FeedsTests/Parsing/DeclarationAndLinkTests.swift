import CLibXML2
import CShims
import Foundation
import Testing
@testable import Feeds
@testable import Support

/// Two per-document shortcuts keep their meaning: the XML declaration's encoding read as bytes, and links that
/// start with a scheme kept as they are instead of going through libxml2's URI resolution.
@Suite struct DeclarationAndLinkTests {
    /// The declaration reader as it was (String search through Foundation), kept as the reference.
    static func referenceDeclaredEncoding(_ b: [UInt8]) -> String? {
        guard b.count > 5, b[0] == 0x3C, b[1] == 0x3F, b[2] == 0x78, b[3] == 0x6D, b[4] == 0x6C else { return nil }
        let limit = min(b.count, 512)
        guard let end = (5..<limit).first(where: { b[$0] == 0x3E }) else { return nil }
        let declaration = String(decoding: b[0..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix(while: { $0 != quote }).trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    static let declarations = [
        #"<?xml version="1.0" encoding="UTF-8"?><rss/>"#,
        #"<?xml version='1.0' encoding = 'iso-8859-1' ?>"#,
        "<?xml version=\"1.0\" encoding=\" windows-1252\t\"?>",
        #"<?xml version="1.0"?><rss/>"#,
        #"<?xml version="1.0" encoding=""?>"#,
        #"<?xml version="1.0" encoding="   "?>"#,
        #"<?xml version="1.0" encoding=utf-8?>"#,
        "<?xml version=\"1.0\" encoding\n=\n\"koi8-r\"?>",
        #"<?xml version="1.0" encoding="utf-8?>"#,
        #" <?xml version="1.0" encoding="utf-8"?>"#,
        "<?xml version=\"1.0\" encoding=\"\u{3000}shift_jis\u{00A0}\"?>",
        #"<?xml encoding="a"b"?>"#,
        #"<?xml version="1.0" standalone="yes" encoding='GB2312'?>"#,
        #"<?xml version="1.0" encodin="utf-8"?>"#,
        #"<?xml?>"#,
        "<?xml version=\"1.0\" encoding=\"caf\u{00E9}\"?>",
    ]

    @Test func declaredEncodingReadsAsTheStringSearchDid() {
        for declaration in Self.declarations {
            let bytes = Array(declaration.utf8)
            #expect(CharsetLabels.xmlDeclaredEncoding(bytes) == Self.referenceDeclaredEncoding(bytes), "\(declaration)")
        }
        #expect(CharsetLabels.xmlDeclaredEncoding(Array(Self.declarations[1].utf8)) == "iso-8859-1")
        #expect(CharsetLabels.xmlDeclaredEncoding(Array(Self.declarations[10].utf8)) == "shift_jis")
        // Every cut of every declaration (an end in the middle of the keyword, the value, the quotes).
        for declaration in Self.declarations {
            let bytes = Array(declaration.utf8)
            for cut in 0...bytes.count {
                let prefix = Array(bytes[..<cut]) + [0x3E]
                #expect(CharsetLabels.xmlDeclaredEncoding(prefix) == Self.referenceDeclaredEncoding(prefix), "\(declaration) cut at \(cut)")
            }
        }
    }

    @Test func schemePrefixIsRecognisedAsRFC3986Says() {
        for yes in ["http://x", "HTTPS://x", "mailto:a@b", "a+b.c-d:rest", "javascript:alert(1)", "x:"] {
            #expect(FeedTreeReader.startsWithScheme(yes), "\(yes)")
        }
        for no in ["", "/rel", "rel/path", "1http://x", "ht tp://x", "://x", "+a:b", "path/with:colon", "é:x", "?q=a:b"] {
            #expect(!FeedTreeReader.startsWithScheme(no), "\(no)")
        }
    }

    /// Links with a scheme come out exactly as libxml2's resolution would give them (itself, or itself when it
    /// refuses them); relative ones are still resolved against xml:base and the document URL.
    @Test func linksResolveAsLibxml2Does() throws {
        let references = ["http://a.example/b/../c?x=1#f", "HTTPS://A.EXAMPLE/%7Efoo/./bar", "http://a/b c", "mailto:x@y",
                          "javascript:alert(1)", "1http://x", "/rel/path", "rel", "//host/p", "../up", "?q=1"]
        let items = references.enumerated().map { index, reference in
            "<item><title>t\(index)</title><guid>g\(index)</guid><link>\(reference)</link></item>"
        }.joined()
        let feed = "<rss version=\"2.0\"><channel><title>x</title>\(items)</channel></rss>"
        let base = "http://base.example/dir/file.xml"
        let parsed = try FeedParser.parse(Array(feed.utf8), options: FeedParseOptions(sourceURL: base))
        try #require(parsed.entries.count == references.count)
        for (entry, reference) in zip(parsed.entries, references) {
            let expected: String = {
                guard let built = xmlBuildURI(reference, base) else { return reference }
                defer { tidings_xml_free(built) }
                return String(cString: built)
            }()
            #expect(entry.link == expected, "\(reference)")
        }
        #expect(parsed.entries[6].link == "http://base.example/rel/path")
        #expect(parsed.entries[1].link == "HTTPS://A.EXAMPLE/%7Efoo/./bar")
    }
}
