import Testing
import TestSupport
@testable import Articles

/// Seeded random tag soup: every page must extract without crashing, and the same bytes must always
/// give the same article (no hidden state between extractions).
@Suite struct TagSoupTests {

    static let tags = ["div", "p", "span", "a", "b", "i", "ul", "li", "table", "tr", "td", "article", "section", "h1",
                       "h2", "br", "img", "pre", "script", "style", "noscript", "form", "input", "svg", "math", "figure",
                       "iframe", "template", "select", "option", "blockquote", "font", "center", "aside", "nav"]
    static let attributes = ["class=\"content\"", "class=\"sidebar\"", "id=\"comments\"", "class=\"share\"", "hidden",
                             "style=\"display:none\"", "aria-hidden=\"true\"", "href=\"#x\"", "href=\"/y\"",
                             "rel=\"author\"", "itemprop=\"articleBody\"", "role=\"navigation\"", "class=\"byline\""]
    static let words = ["news", "river", "gate", "engine", "February", "council,", "audit.", "the", "and", "a",
                        "&amp;", "&nbsp;", "&#x1F600;", "é", "中文", "<", ">", "\"", "'", "\u{0}", "]]>", "<!--", "-->"]

    static func page(seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var html = Bool.random(using: &random) ? "<!DOCTYPE html><html><head><title>Soup \(seed)</title></head><body>" : ""
        for _ in 0..<Int.random(in: 50...800, using: &random) {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                let tag = tags.randomElement(using: &random)!
                let attribute = Bool.random(using: &random) ? " " + attributes.randomElement(using: &random)! : ""
                html += "<\(tag)\(attribute)>"
            case 4...5:
                html += "</\(tags.randomElement(using: &random)!)>"
            default:
                html += (0..<Int.random(in: 1...30, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
            }
        }
        return Array(html.utf8)
    }

    @Test(arguments: 0..<150)
    func randomPagesExtractDeterministically(seed: Int) throws {
        let html = Self.page(seed: UInt64(seed))
        let limits = ExtractionLimits(timeBudget: .seconds(10))
        let first = try ArticleExtractor.extract(html: html, url: "https://example.org/\(seed)", limits: limits)
        let second = try ArticleExtractor.extract(html: html, url: "https://example.org/\(seed)", limits: limits)
        #expect(first == second)
        #expect(first.paragraphs == TextRenderer.paragraphCount(first.text))
        #expect(!first.text.hasPrefix("\n") && !first.text.hasSuffix("\n"))
        #expect(!first.text.contains("\n\n\n"))
    }
}
