import Foundation
import Testing
@testable import Articles

/// Pages built to hurt: each must end in bounded time and memory with a result or a clear error.
@Suite struct HostilePageTests {
    static let paragraph = "<p>A sentence of ordinary article text, with commas, clauses, and enough words to be scored.</p>"

    @Test func oversizedPageIsRefusedBeforeParsing() {
        let html = [UInt8](repeating: 65, count: 6 * 1024 * 1024)
        #expect(throws: ExtractionError.tooLarge(bytes: html.count, limit: 5 * 1024 * 1024)) {
            try ArticleExtractor.extract(html: html, url: nil)
        }
        let limits = ExtractionLimits(maxBytes: 1000)
        #expect(throws: ExtractionError.tooLarge(bytes: 2000, limit: 1000)) {
            try ArticleExtractor.extract(html: [UInt8](repeating: 65, count: 2000), url: nil, limits: limits)
        }
    }

    @Test func deepNestingStopsAtTheParserLimitWithAWarning() throws {
        let html = "<html><body>\(Self.paragraph)" + String(repeating: "<div>", count: 100_000) + "deep" + "</body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.text.contains("ordinary article text"))
        #expect(article.warnings.contains { $0.contains("nesting limit") })
    }

    @Test func ownDepthLimitFlattensInsteadOfRecursing() throws {
        // Below libxml2's limit but above ours: the deep text is kept, hoisted into its ancestor.
        let html = "<html><body>" + String(repeating: "<span>", count: 200) + "deep words here" + "</body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil, limits: ExtractionLimits(maxDepth: 50))
        #expect(article.text.contains("deep words here"))
        #expect(article.warnings.contains { $0.contains("flattened") })
    }

    @Test func nodeCapTruncatesWithAWarning() throws {
        let html = "<html><body>\(Self.paragraph)" + String(repeating: "<b>x</b> ", count: 20_000) + "</body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil, limits: ExtractionLimits(maxNodes: 5_000))
        #expect(article.warnings.contains { $0.contains("5000 nodes") })
    }

    @Test func endlessInlineScriptsContributeNothing() throws {
        let script = "<script>" + String(repeating: "document.write('<p>injected, text, here, many, commas</p>');\n", count: 40_000) + "</script>"
        let html = "<html><body>\(script)\(Self.paragraph)\(Self.paragraph)\(script)<script>while(true){}" // last one never closes
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(!article.text.contains("injected"))
        #expect(article.text.contains("ordinary article text"))
    }

    @Test func brokenMarkupStillYieldsText() throws {
        let broken = "<html><body><div class=\"article\"><p>Un<b>closed <i>tags, everywhere, <table><tr><td>cell<p>more text, and more</div></span></table><<<>>><!-- never closed"
        let article = try ArticleExtractor.extract(html: Array(String(repeating: broken, count: 200).utf8), url: nil)
        #expect(article.text.contains("more text, and more"))
    }

    @Test func binaryGarbageAndNULBytesDoNotCrash() throws {
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = try ArticleExtractor.extract(html: garbage, url: nil)
        let withNUL = Array("<html><body><p>before".utf8) + [0] + Array("after, with text</p></body></html>".utf8)
        let article = try ArticleExtractor.extract(html: withNUL, url: nil)
        #expect(article.text.contains("before"))
    }

    @Test func deeplyNestedJSONLDIsIgnoredSafely() throws {
        let json = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let html = "<html><head><script type=\"application/ld+json\">\(json)</script></head><body>\(Self.paragraph)</body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.title == nil)
        #expect(article.text.contains("ordinary article text"))
    }

    @Test func emptyPageIsAnEmptyArticle() throws {
        let article = try ArticleExtractor.extract(html: [], url: nil)
        #expect(article.text.isEmpty)
        #expect(article.warnings == ["the page is empty"])
    }

    @Test func timeBudgetIsEnforced() {
        let html = "<html><body>" + String(repeating: "<div><p>Some text, with commas, in a paragraph that scores.</p></div>", count: 20_000) + "</body></html>"
        #expect(throws: ExtractionError.timeBudgetExceeded(seconds: 0.001)) {
            try ArticleExtractor.extract(html: Array(html.utf8), url: nil, limits: ExtractionLimits(timeBudget: .milliseconds(1)))
        }
    }

    @Test func hostileStylesheetsAreReadOnlyUpToTheirBound() throws {
        // Unclosed at-rules, stray semicolons after a long run of spaces, unbalanced braces: one linear pass.
        let junk = "@media x {" + String(repeating: " ", count: 300_000) + String(repeating: ";", count: 300_000)
            + String(repeating: "@supports y { .z {", count: 20_000) + String(repeating: "}", count: 7)
        // A rule past the 1 MiB that is read hides nothing; one before it does.
        let padding = "/*" + String(repeating: "x", count: HiddenSelectors.maxSheetBytes) + "*/"
        let html = """
            <html><head><style>.early{display:none}</style><style>\(junk)</style><style>\(padding) .late{display:none}</style></head>
            <body><article>\(String(repeating: Self.paragraph, count: 8))
            <p class="early">Early hidden sentence that a rule in the first sheet hides from every reader.</p>
            <p class="late">Late sentence that a rule beyond the stylesheet bound would have hidden, so it stays.</p>
            </article></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.text.contains("ordinary article text"))
        #expect(article.text.contains("Late sentence"))
        // Each sheet is parsed on its own: the junk one cannot swallow the rule of the sheet before it.
        #expect(!article.text.contains("Early hidden sentence"))
    }

    @Test func nestedFurnitureIsJudgedInBoundedWork() throws {
        let nested = String(repeating: "<div class=\"related-box\"><p>Link to another story with a title, and more.</p>", count: 200)
            + String(repeating: "</div>", count: 200)
        let html = "<html><body><article>\(String(repeating: Self.paragraph, count: 40))\(nested)</article></body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.text.contains("ordinary article text"))
        #expect(!article.text.contains("Link to another story"))
    }

    @Test func manyExtractionsInParallelAreIndependent() async throws {
        let page = Array(ExtractionTests.boilerplatePage().utf8)
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try ArticleExtractor.extract(html: page, url: nil).text } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(texts).count == 1)
        #expect(texts.first == ExtractionTests.storyParagraphs.joined(separator: "\n\n"))
    }
}
