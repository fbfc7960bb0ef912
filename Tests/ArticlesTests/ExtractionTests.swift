import Foundation
import Testing
@testable import Articles

/// Pages written for these tests: each one isolates a behaviour the corpus only shows mixed with others.
@Suite struct ExtractionTests {
    static let storyParagraphs = [
        "The river authority confirmed on Tuesday that the new flood barrier, which cost 40 million euros, will be finished in March, two months ahead of the original schedule, according to its chief engineer.",
        "Construction crews have worked in three shifts since the autumn, and the authority said the final steel gates, the heaviest ever installed on the river, arrived by barge from the coast last week.",
        "Residents of the lower town, where the water reached the first floors of houses in the floods two winters ago, welcomed the news, although several said they would wait to see the gates close before believing it.",
        "The engine delivery for the pumping station, delayed by a supplier dispute, is now expected on 14 February, the authority said, adding that the pumps could run on temporary generators if it slipped again.",
        "Critics on the city council questioned the cost, noting that the budget had grown by a third since the plan was approved, and asked for an independent audit of the contracts before the next phase.",
        "The authority said the audit, which it welcomed, would be published in full, and that the second phase, a barrier on the northern channel, would not start until the report was complete.",
    ]

    static func boilerplatePage() -> String {
        let paragraphs = storyParagraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
        let related = (1...12).map { "<li><a href=\"/news/\($0)\">Related story number \($0) about something else</a></li>" }.joined()
        let comments = (1...5).map { "<div class=\"comment\"><p>Reader comment \($0): I think this is a disgrace, frankly, and so do my neighbours, all of them.</p></div>" }.joined()
        return """
            <!DOCTYPE html><html><head><title>Flood barrier to open early - Riverside Gazette</title>
            <meta property="og:title" content="Flood barrier to open two months early">
            <meta name="author" content="Jane Doe">
            <meta property="article:published_time" content="2024-06-25T09:30:00+02:00">
            <link rel="canonical" href="/news/flood-barrier">
            </head><body>
            <div id="cookie-banner" class="gdpr-notice">We use cookies to improve your experience. Accept all cookies?</div>
            <header class="site-header"><nav class="menu"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
            <div class="layout">
              <div class="sidebar"><h3>Most read</h3><ul>\(related)</ul></div>
              <article class="story-body">
                <h1>Flood barrier to open two months early</h1>
                <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
                \(paragraphs)
                <div class="advert" style="display:none">Buy our premium plan now, only today</div>
              </article>
              <div id="comments" class="comments">\(comments)</div>
            </div>
            <footer class="site-footer"><p>Copyright Riverside Gazette. All rights reserved. Terms and privacy.</p></footer>
            </body></html>
            """
    }

    @Test func keepsArticleParagraphsAndDropsBoilerplate() throws {
        let article = try ArticleExtractor.extract(html: Array(Self.boilerplatePage().utf8), url: "https://example.org/news/x")
        #expect(article.text == Self.storyParagraphs.joined(separator: "\n\n"))
        #expect(article.paragraphs == Self.storyParagraphs.count)
        for junk in ["cookies", "Most read", "Related story", "Reader comment", "Share on", "premium plan", "Copyright", "Sport"] {
            #expect(!article.text.contains(junk), "boilerplate \"\(junk)\" leaked into the text")
        }
    }

    @Test func readsMetadataFromMetaTags() throws {
        let article = try ArticleExtractor.extract(html: Array(Self.boilerplatePage().utf8), url: "https://example.org/news/x")
        #expect(article.title == "Flood barrier to open two months early")
        #expect(article.byline == "Jane Doe")
        #expect(article.published == "2024-06-25T09:30:00+02:00")
        #expect(article.canonicalURL == "https://example.org/news/flood-barrier")
    }

    @Test func prefersJSONLDMetadata() throws {
        let html = """
            <html><head><title>Ignored title | Site</title>
            <meta property="og:title" content="Open Graph title">
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Engine delivery slips to spring",
             "author": [{"@type": "Person", "name": "Ada Lovelace"}, {"@type": "Person", "name": "Charles Babbage"}],
             "datePublished": "2015-07-24T05:36:09+01:00", "publisher": {"@type": "Organization", "name": "The Engine"}}
            </script></head>
            <body><article><p>\(Self.storyParagraphs[0])</p><p>\(Self.storyParagraphs[1])</p><p>\(Self.storyParagraphs[2])</p></article></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.title == "Engine delivery slips to spring")
        #expect(article.byline == "Ada Lovelace, Charles Babbage")
        #expect(article.published == "2015-07-24T05:36:09+01:00", "the page's own offset is kept")
    }

    @Test func fallsBackToJSONLDArticleBody() throws {
        let body = "First paragraph of the story, from structured data.\n\nSecond paragraph, also from structured data."
        let html = """
            <html><head><title>Structured only</title><script type="application/ld+json">
            {"@context": "http://schema.org", "@type": "Article", "headline": "Structured only", "articleBody": "\(body.replacingOccurrences(of: "\n", with: "\\n"))"}
            </script></head><body><div id="app"><p>Subscribe to read.</p></div></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.text == body)
        #expect(article.warnings.contains { $0.contains("articleBody") })
    }

    @Test func trimsSiteNameFromTitleElement() throws {
        let html = "<html><head><title>Council approves the new harbour plan - Example Daily News</title></head><body><p>\(Self.storyParagraphs[0])</p></body></html>"
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.title == "Council approves the new harbour plan")
    }

    @Test func findsBylineInPageAndTimeElement() throws {
        let paragraphs = Self.storyParagraphs.prefix(4).map { "<p>\($0)</p>" }.joined()
        let html = """
            <html><head><title>A story with an in-page byline</title></head><body><div class="post">
            <p class="byline">By <a rel="author" href="/people/sam">Sam Reporter</a></p>
            <time datetime="2023-11-05T18:00:00-05:00">5 November</time>\(paragraphs)</div></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.byline == "By Sam Reporter")
        #expect(article.published == "2023-11-05T18:00:00-05:00")
        #expect(!article.text.contains("Sam Reporter"), "the byline is metadata, not article text")
    }

    @Test func dropsHiddenNodes() throws {
        let html = """
            <html><body><article>
            <p>\(Self.storyParagraphs[0])</p>
            <p hidden>Hidden by attribute, a paragraph long enough to be scored if it were visible at all.</p>
            <p style="visibility: hidden">Hidden by visibility style, long enough to be scored if it were visible.</p>
            <div aria-hidden="true"><p>Hidden from assistive technology, long enough to be scored if visible.</p></div>
            <p>\(Self.storyParagraphs[1])</p><p>\(Self.storyParagraphs[2])</p>
            </article></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(!article.text.contains("Hidden"))
        #expect(article.paragraphs == 3)
    }

    @Test func keepsLineBreaksListsAndPreformattedText() throws {
        let html = """
            <html><body><article><p>\(Self.storyParagraphs[0])</p>
            <p>Line one of an address<br>Line two of an address, with commas, many, of, them, here, and there, too.</p>
            <ul><li>First point of the list, which explains the schedule, the cost, and the risks.</li><li>Second point, about the audit.</li></ul>
            <pre>code   keeps
              its spacing</pre>
            <p>\(Self.storyParagraphs[1])</p></article></body></html>
            """
        let article = try ArticleExtractor.extract(html: Array(html.utf8), url: nil)
        #expect(article.text.contains("Line one of an address\nLine two of an address"))
        #expect(article.text.contains("First point of the list, which explains the schedule, the cost, and the risks.\n\nSecond point, about the audit."))
        // As in the corpus' html_to_text.py: <pre> keeps its line breaks; spaces still collapse per line.
        #expect(article.text.contains("code keeps\nits spacing"))
    }

    @Test func pageWithoutArticleStillSucceeds() throws {
        let article = try ArticleExtractor.extract(html: Array("<html><body><nav><a href='/'>Home</a></nav></body></html>".utf8), url: nil)
        #expect(article.title == nil)
        #expect(article.text.count < 20)
    }

    @Test func encodesMissingMetadataAsNull() throws {
        let article = try ArticleExtractor.extract(html: Array("<html><body><p>Short.</p></body></html>".utf8), url: nil)
        let json = String(decoding: try JSONEncoder().encode(article), as: UTF8.self)
        #expect(json.contains("\"byline\":null"))
        #expect(json.contains("\"published\":null"))
    }
}
