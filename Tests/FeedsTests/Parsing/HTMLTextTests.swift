import Foundation
import Testing
import TestSupport
@testable import Feeds

@Suite("HTML to plain text") struct HTMLTextTests {
    @Test(arguments: [
        ("<p>One</p><p>Two</p>", "One Two"),
        ("a<br>b<br/>c", "a b c"),
        ("<b>bold</b> and <i>italic</i>", "bold and italic"),
        ("x<script>var a = '<p>no</p>';</script>y", "xy"),
        ("<style>p { color: red }</style>text", "text"),
        ("caf&eacute; &amp; cr&egrave;me &#8364;5 &#x2014; &apos;q&apos; &hellip;", "café & crème €5 — 'q' …"),
        ("  lots \n\n of\t space  ", "lots of space"),
        ("<ul><li>a</li><li>b</li></ul>", "a b"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("AT&T", "AT&T"),
        ("<!-- comment -->visible", "visible"),
        ("<div><p>nested <a href=\"x?a=1&amp;b=2\">link</a></p></div>", "nested link"),
        ("non&nbsp;breaking", "non\u{00A0}breaking"),
        ("&#150;dash", "–dash"),
        ("<p>unclosed <b>tags", "unclosed tags"),
        ("", ""),
    ])
    func converts(html: String, expected: String) {
        #expect(HTMLText.plainText(fromHTML: html) == expected)
    }

    @Test func paragraphBreaksCanBeKept() {
        let text = HTMLText.plainText(fromHTML: "<h1>Title</h1><p>First para.</p><p>Second<br>line.</p>",
                                      keepParagraphBreaks: true)
        #expect(text == "Title\n\nFirst para.\n\nSecond\nline.")
        #expect(HTMLText.plainText(fromHTML: "no markup\n\nat all", keepParagraphBreaks: true) == "no markup\n\nat all")
    }

    /// `&quot;` is the commonest reference in escaped HTML after `&amp;` (quotes in body text): the fast path reads
    /// it itself, as libxml2 does, instead of sending the whole fragment to libxml2's HTML parser (issue 19).
    @Test func quotReferenceStaysOnTheFastPath() {
        let html = "<p>She said &quot;yes&quot; to AT&amp;T.</p>\n<p>Next &quot;para&quot;</p>"
        let fast = Array(html.utf8).withUnsafeBufferPointer { SimpleHTMLText.plainText($0, keepParagraphs: true) }
        #expect(fast.map { String(decoding: $0, as: UTF8.self) } == "She said \"yes\" to AT&T.\n\nNext \"para\"")
        let reference = HTMLTextConverter(forceLibXML2: true)
        for keep in [false, true] {
            #expect(HTMLTextConverter().plainText(fromHTML: html, keepParagraphBreaks: keep)
                    == reference.plainText(fromHTML: html, keepParagraphBreaks: keep))
        }
    }

    /// The fast path and libxml2's HTML parser must agree on every fragment; the fast path must also take a
    /// good share of realistic (well-nested) fragments, or it is not worth having.
    @Test func fastPathAgreesWithLibxml2() {
        let fast = HTMLTextConverter()
        let reference = HTMLTextConverter(forceLibXML2: true)
        var generator = SplitMix64(seed: 42)
        let pieces = ["<p>", "</p>", "<b>", "</b>", "<a href=\"x?a=1&amp;b=2\">", "</a>", "<br>", "<br/>", "<img src=\"i.png\" alt=\"a > b\">",
                      "<li>", "</li>", "<ul>", "</ul>", "<h2>", "</h2>", "<span class='c'>", "</span>", "<blockquote>",
                      "</blockquote>", "<table><tr><td>", "</td></tr></table>", "<em>", "</em>", "<figure>", "<figcaption>",
                      "</figcaption>", "</figure>", "word", "another word", " ", "\n", "  \t ", "&amp;", "&lt;", "&gt;",
                      "&quot;", "&#8217;", "&#x201C;", "&nbsp;", "&eacute;", "&mdash;", "&hellip;", "&#150;", "& ", "café",
                      "€", "日本語", "<div>", "</div>", "<P>", "</P>", "<Strong>", "</Strong>", "<hr>", "<section>", "</section>",
                      "<td>", "</td>", "<tr>", "</tr>", "<dl><dt>", "</dt><dd>", "</dd></dl>", "<i>", "</i>",
                      // UTF-8 written as Latin-1 references (the fast path reads these itself), complete and not.
                      "&#226;&#128;&#166;", "&#195;&#169;", "&Atilde;&copy;", "&#194;&#128;", "&#226;&#128;", "&eacute;&#128;",
                      "&#xC3;&#xA9;", "&acirc;&#128;&#156;", "&quot;q&quot;", "x&quot;", "&QUOT;", "&quot", "&apos;"]
        let blocks = ["p", "div", "blockquote", "h3", "section", "figure", "ul", "ol", "table", "pre", "li", "td"]
        let inlines = ["b", "i", "em", "strong", "a href=\"/x\"", "span", "code", "sub"]
        let texts = ["word", "two words", " spaced  out ", "caf&eacute;", "&amp; co", "&#8220;q&#8221;", "x&nbsp;y", "\n",
                     "caf&#195;&#169;", "&#226;&#128;&#148;", "say &quot;hi&quot;", "AT&amp;T &quot;q&quot;"]

        /// A well-nested fragment built the way publishers' editors write them.
        func nested(_ depth: Int) -> String {
            var html = ""
            for _ in 0..<Int(generator.next() % 4) + 1 {
                let roll = generator.next() % 10
                if roll < 4 || depth > 3 {
                    html += texts[Int(generator.next() % UInt64(texts.count))]
                } else if roll < 7 {
                    let tag = inlines[Int(generator.next() % UInt64(inlines.count))]
                    let name = tag.split(separator: " ").first.map(String.init) ?? tag
                    html += "<\(tag)>" + nested(depth + 1) + "</\(name)>"
                } else if roll < 8 {
                    html += ["<br>", "<br/>", "<img src=\"a.png\">", "<hr>"][Int(generator.next() % 4)]
                } else {
                    let tag = blocks[Int(generator.next() % UInt64(blocks.count))]
                    let inner = tag == "ul" || tag == "ol" ? "<li>" + nested(depth + 1) + "</li>"
                        : tag == "table" ? "<tr><td>" + nested(depth + 1) + "</td></tr>" : nested(depth + 1)
                    html += "<\(tag)>" + inner + "</\(tag)>"
                }
            }
            return html
        }

        var compared = 0
        var fastAccepted = 0
        for round in 0..<4_000 {
            let html: String
            if round % 2 == 0 {
                let count = Int(generator.next() % 14) + 1
                html = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            } else {
                html = nested(0)
            }
            let bytes = EntityRepair.numericHTML5Entities(Array(html.utf8))
            if bytes.withUnsafeBufferPointer({ SimpleHTMLText.plainText($0, keepParagraphs: false) }) != nil {
                fastAccepted += 1
            }
            for keep in [false, true] {
                let a = fast.plainText(fromHTML: html, keepParagraphBreaks: keep)
                let b = reference.plainText(fromHTML: html, keepParagraphBreaks: keep)
                #expect(a == b, "fragment: \(html.debugDescription) keep: \(keep)")
                compared += 1
                if a != b { return }
            }
        }
        #expect(compared == 8_000)
        #expect(fastAccepted > 1_000, "fast path accepted only \(fastAccepted) of 4000 fragments")
    }

    /// Long runs of text go through the fast path's sixteen-byte skip: a space pair, a line break, a tag, a
    /// reference or a non-ASCII character at every offset of a group (and at its last lane, where the byte after
    /// it decides) must come out as libxml2 reads it, and the fast path must take these fragments itself.
    @Test func longTextRunsAgreeAtEveryOffset() {
        let fast = HTMLTextConverter()
        let reference = HTMLTextConverter(forceLibXML2: true)
        let breaks = [" ", "  ", "\n", " \t ", "<b>x</b>", "&amp;", "&quot;", "caf\u{E9}", "\u{65E5}", " &lt; ", "<br>", "x "]
        let words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
        var taken = 0
        for piece in breaks {
            for offset in 0..<40 {
                let start = words.utf8.index(words.utf8.startIndex, offsetBy: offset)
                let html = "<p>" + String(words[..<start]) + piece + String(words[start...]) + "</p>"
                for keep in [false, true] {
                    #expect(fast.plainText(fromHTML: html, keepParagraphBreaks: keep)
                            == reference.plainText(fromHTML: html, keepParagraphBreaks: keep),
                            "fragment: \(html.debugDescription) keep: \(keep)")
                }
                if Array(html.utf8).withUnsafeBufferPointer({ SimpleHTMLText.plainText($0, keepParagraphs: false) }) != nil {
                    taken += 1
                }
            }
        }
        #expect(taken == breaks.count * 40)
    }

    /// Inputs the feed-parser fuzzer once broke (fuzz/regressions/feed-parser): the parser survives them, both
    /// HTML paths agree, and lifted + streamed parsing equals the whole-tree parse without lifting (the
    /// harness's oracles, replayed without libFuzzer).
    @Test func fuzzRegressions() throws {
        let directory = TestPaths.packageRoot.appendingPathComponent("fuzz/regressions/feed-parser")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!names.isEmpty)
        let fast = HTMLTextConverter()
        let reference = HTMLTextConverter(forceLibXML2: true)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
            _ = try? FeedParser.parse(bytes)
            #expect(TextLiftTests.outcome(bytes, lift: true) == TextLiftTests.outcome(bytes, lift: false), "\(name)")
            let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
            for keep in [false, true] {
                #expect(fast.plainText(fromHTML: text, keepParagraphBreaks: keep)
                        == reference.plainText(fromHTML: text, keepParagraphBreaks: keep), "\(name)")
            }
        }
        #expect(HTMLText.plainText(fromHTML: "<a title=\"x<y\">t</a>") == reference.plainText(fromHTML: "<a title=\"x<y\">t</a>", keepParagraphBreaks: false))
    }

    @Test func illFormedXMLIsRecoveredWithAWarning() throws {
        let feed = try Parse.xml("""
            <rss version="2.0"><channel><title>Broken</title>
            <item><title>One</title><description>unclosed <b>bold</description></item>
            <item><title>Two</title>
            </channel></rss>
            """)
        #expect(feed.title == "Broken")
        #expect(feed.entries.first?.title == "One")
        #expect(feed.warnings.contains { $0.contains("ill-formed XML recovered") && $0.contains("line") })
    }

    @Test func garbageIsReportedWithLineAndColumn() {
        let error = Parse.failure(Array("\n\n   <<<>>> not xml".utf8))
        #expect(error != nil)
        #expect(error?.line != nil)
        #expect(error?.description.contains("line") == true)
    }
}

/// `needsCollapsing` looks at 16 bytes per step; it must answer exactly as the byte loop it replaced, whatever
/// the mix of spaces, control bytes and non-ASCII text and wherever a run falls relative to a 16-byte step.
@Suite struct WhitespaceCollapserTests {
    static func reference(_ bytes: [UInt8]) -> Bool {
        var previousSpace = true
        for byte in bytes {
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
            if isSpace && (previousSpace || byte != 0x20) { return true }
            previousSpace = isSpace
        }
        return previousSpace && !bytes.isEmpty
    }

    /// Byte runs of the five ASCII whitespace bytes become one space, trimmed (bytes, not Characters: "\r\n" is one
    /// Character).
    static func referenceCollapse(_ text: String) -> String {
        let runs = Array(text.utf8).split(whereSeparator: { [0x20, 0x0A, 0x09, 0x0D, 0x0C].contains($0) })
        return String(decoding: Array(runs.joined(separator: [0x20])), as: UTF8.self)
    }

    @Test func sixteenBytesAtATimeAnswerLikeTheByteLoop() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "b", "word", " ", " ", "\n", "\t", "\r", "\u{0C}", "\u{0B}", "é", "—", ".", "\u{00A0}"]
        var needing = 0
        for _ in 0..<5000 {
            // Mostly clean text with one defect at a random place, so defects land at every offset of a step.
            var text = (0..<Int.random(in: 0...60, using: &generator)).map { _ in "word" }.joined(separator: " ")
            if Bool.random(using: &generator) {
                let insert = (0..<Int.random(in: 1...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
                let at = text.utf8.count == 0 ? 0 : Int.random(in: 0...text.utf8.count, using: &generator)
                var bytes = Array(text.utf8)
                bytes.insert(contentsOf: Array(insert.utf8), at: at)
                text = String(decoding: bytes, as: UTF8.self)
            }
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { WhitespaceCollapser.needsCollapsing($0) }
            #expect(fast == Self.reference(bytes), "\(bytes)")
            #expect(WhitespaceCollapser.collapse(text) == Self.referenceCollapse(text))
            if fast { needing += 1 }
        }
        #expect(needing > 1000 && needing < 4000)
    }

    @Test func paragraphBreaksSurviveAndCleanTextComesBackAsIs() {
        let clean = String(repeating: "already collapsed text ", count: 10) + "end"
        #expect(clean.utf8.withContiguousStorageIfAvailable { WhitespaceCollapser.collapseKeepingNewlines($0) } == clean)
        let messy = "  first  paragraph\n\n second\tline \n third  "
        #expect(Array(messy.utf8).withUnsafeBufferPointer { WhitespaceCollapser.collapseKeepingNewlines($0) }
            == "first paragraph\n\nsecond line third")
    }
}
