import Foundation
import Testing
@testable import Articles

/// The rules beyond Readability (`Sources/Articles/Refinement`), one small page per rule. Each page holds the
/// same story plus one kind of furniture; without the rule, the furniture's marker text reaches `text`.
@Suite struct RefinementTests {
    static let story = ExtractionTests.storyParagraphs

    /// A page whose `<article>` holds the six story paragraphs, `inside` after the second one.
    static func page(inside: String, head: String = "", htmlAttributes: String = "") -> String {
        let paragraphs = story.map { "<p>\($0)</p>" }
        return """
            <!DOCTYPE html><html\(htmlAttributes)><head><title>Flood barrier to open early</title>\(head)</head><body>
            <article class="story">
            \(paragraphs[0...1].joined(separator: "\n"))
            \(inside)
            \(paragraphs[2...].joined(separator: "\n"))
            </article></body></html>
            """
    }

    static func text(_ html: String) throws -> String {
        try ArticleExtractor.extract(html: Array(html.utf8), url: "https://example.org/news/x").text
    }

    /// The whole story is in the text, whatever else was removed.
    static func expectWholeStory(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for paragraph in story {
            #expect(text.contains(paragraph), "story paragraph lost: \(paragraph.prefix(40))", sourceLocation: sourceLocation)
        }
    }

    // MARK: captions and credits

    @Test func figureCaptionIsDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <figure><img src="/gates.jpg" alt=""><figcaption>The new steel gates arrive by barge at the lower town harbour. Photo: River Authority</figcaption></figure>
            """))
        #expect(!text.contains("steel gates arrive by barge"))
        Self.expectWholeStory(text)
    }

    @Test func captionAndCreditClassesAreDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <div class="image-wrap"><img src="/a.jpg"><p class="image__caption">Engineers inspect the barrier from a boat on Monday morning, with the old dam behind them.</p>
            <span class="photo-credit">Jane Photographer / Riverside Gazette</span></div>
            """))
        #expect(!text.contains("Engineers inspect the barrier"))
        #expect(!text.contains("Jane Photographer"))
        Self.expectWholeStory(text)
    }

    @Test func creditLinesAndGalleryCountersAreDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <div><img src="/b.jpg"><p>Photo: John Snapper, Wire Agency</p><p>Image 1 of 12</p></div>
            """))
        #expect(!text.contains("John Snapper"))
        #expect(!text.contains("Image 1 of 12"))
        Self.expectWholeStory(text)
    }

    // MARK: promo, related, newsletter, teasers

    @Test func relatedAndNewsletterBlocksAreDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <div class="related-stories"><h3>Read next</h3><p><a href="/a">Council votes on the harbour tunnel, again, after years of delay and argument</a></p></div>
            <section class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter, delivered every weekday before seven.</p></section>
            <p>Advertisement</p>
            """))
        #expect(!text.contains("harbour tunnel"))
        #expect(!text.contains("morning briefing"))
        #expect(!text.contains("Advertisement"))
        Self.expectWholeStory(text)
    }

    @Test func teaserCardsForOtherStoriesAreDropped() throws {
        let cards = (1...3).map {
            "<article class=\"card\"><h3><a href=\"/other/\($0)\">Other headline number \($0)</a></h3><p>A teaser sentence for another story, number \($0).</p></article>"
        }.joined()
        let text = try Self.text(Self.page(inside: "<div class=\"more\">\(cards)</div>"))
        #expect(!text.contains("Other headline"))
        #expect(!text.contains("teaser sentence"))
        Self.expectWholeStory(text)
    }

    // MARK: bylines and datelines

    @Test func bylinesAndDatelinesAreMetadataNotText() throws {
        let text = try Self.text(Self.page(inside: """
            <div class="entry-meta"><span>Filed under Local</span> <span>Riverside desk</span></div>
            <p>Updated 3:27 pm, Tuesday, November 19, 2024</p>
            <p><time datetime="2024-11-19">November 19, 2024</time></p>
            """))
        #expect(!text.contains("Filed under"))
        #expect(!text.contains("Updated 3:27"))
        #expect(!text.contains("November 19, 2024"))
        Self.expectWholeStory(text)
    }

    @Test func authorBoxIsDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <div class="post-author"><h5><a href="/author/jd" rel="author">Jane Doe</a></h5><p>Jane Doe has covered the river, its floods and its bridges for the Gazette since 2009, and before that reported from the coast for a decade, mostly on fishing, ferries and the weather.</p></div>
            """))
        #expect(!text.contains("covered the river"))
        Self.expectWholeStory(text)
    }

    // MARK: hidden by the page's stylesheet

    @Test func frameworkHidingClassesAreDropped() throws {
        let text = try Self.text(Self.page(inside: """
            <p class="sr-only">Skip to the end of the story and the list of other stories.</p>
            <div class="panel hidden"><p>Loading the comments from our partner, please wait a moment.</p></div>
            <p class="hidden-xs">Tap the map to see where the gates are, and how the water will flow.</p>
            """))
        #expect(!text.contains("Skip to the end"))
        #expect(!text.contains("Loading the comments"))
        #expect(text.contains("Tap the map"))   // hidden on small screens only
        Self.expectWholeStory(text)
    }

    @Test func nodesHiddenByThePagesStylesheetAreDropped() throws {
        let head = """
            <style>/* site chrome */ .print-only { display: none } #overlay{visibility:hidden !important} div.sr-copy{display:none;}
            @media (max-width: 600px) { .wide-note { display: none } }
            .tab-panel { display: none } .tab-panel.active { display: block }</style>
            <style media="print">.screen-note { display: none }</style>
            """
        let text = try Self.text(Self.page(inside: """
            <p class="print-only">Printed from the Riverside Gazette website, all rights reserved.</p>
            <div id="overlay"><p>Subscribe now to keep reading every story this month.</p></div>
            <div class="sr-copy"><p>Screen reader copy of the navigation menu and search box.</p></div>
            <p class="wide-note">The barrier's gates are the widest ever fitted on the river, engineers said.</p>
            <p class="tab-panel">The second phase timeline was shown as a tab on the page, and stays.</p>
            <p class="screen-note">The pumping station plans were filed with the council in June.</p>
            """, head: head))
        #expect(!text.contains("Printed from"))
        #expect(!text.contains("Subscribe now"))
        #expect(!text.contains("Screen reader copy"))
        // Hidden only under a media query, toggled by another rule, or hidden only in print: seen by readers.
        #expect(text.contains("widest ever fitted"))
        #expect(text.contains("second phase timeline"))
        #expect(text.contains("pumping station plans"))
        Self.expectWholeStory(text)
    }

    @Test func stylesheetNeverHidesMostOfThePage() throws {
        // A page that hides its story until a script reveals it: removing it would leave nothing.
        let text = try Self.text(Self.page(inside: "", head: "<style>.story { display: none }</style>"))
        Self.expectWholeStory(text)
    }

    @Test func hiddenSelectorsParseOnlyCertainRules() {
        let selectors = HiddenSelectors(sheets: [
            ".a{display:none} .b .c{display:none} .d:hover{display:none} p.e, #f { visibility : hidden }",
            "@supports (display:grid) { .g { display: none } } .h{display:none} .h.open{display:flex}",
            "@import url(x.css); .i{color:red;display:NONE!important}",
        ])
        let document = Document()
        func element(_ tag: String, _ attributes: [String: String]) -> Node {
            document.makeElement(tag, attributes: attributes.map { Node.Attribute(name: $0.key, value: $0.value) })
        }
        #expect(selectors.hides(element("div", ["class": "x a"])))
        #expect(selectors.hides(element("p", ["class": "e"])))
        #expect(!selectors.hides(element("div", ["class": "e"])))      // tag-qualified
        #expect(selectors.hides(element("span", ["id": "f"])))
        #expect(selectors.hides(element("span", ["class": "i"])))
        #expect(!selectors.hides(element("div", ["class": "c"])))      // descendant selector
        #expect(!selectors.hides(element("div", ["class": "d"])))      // pseudo-class
        #expect(!selectors.hides(element("div", ["class": "g"])))      // inside an at-rule
        #expect(!selectors.hides(element("div", ["class": "h"])))      // shown again by another rule
        #expect(!selectors.hides(element("div", ["class": "A"])))      // classes are case-sensitive
    }

    // MARK: one post, then more posts

    /// A blog page showing a one-quote post followed by two longer posts, as the listing template does.
    static func postStream(linkingTo slug: String) -> String {
        func post(_ path: String, _ title: String, _ body: String) -> String {
            "<article class=\"post\"><h2><a href=\"/blog/\(path)\">\(title)</a></h2>\(body)</article>"
        }
        let quote = post(slug, "A quote", "<blockquote><p>We will not build on the northern channel until the audit is done, and it will be published in full.</p></blockquote><p>The authority's chair, at the council meeting.</p>")
        let others = (1...2).map { number in
            post("other-\(number)", "Other post \(number)", story.map { "<p>Other post \(number): \($0)</p>" }.prefix(3).joined())
        }.joined()
        return "<html><head><title>A quote - River blog</title></head><body><div id=\"content\">\(quote)\(others)</div></body></html>"
    }

    @Test func permalinkPageKeepsOnlyItsOwnPost() throws {
        let html = Self.postStream(linkingTo: "quote-of-the-day")
        let text = try ArticleExtractor.extract(html: Array(html.utf8), url: "https://blog.example.org/blog/quote-of-the-day/").text
        #expect(text.contains("We will not build on the northern channel"))
        #expect(!text.contains("Other post"))
    }

    @Test func postsStayWhenNoneIsThePagesOwn() throws {
        // The address matches no post (a listing page, or a permalink this template does not link): keep all.
        let html = Self.postStream(linkingTo: "quote-of-the-day")
        let text = try ArticleExtractor.extract(html: Array(html.utf8), url: "https://blog.example.org/blog/").text
        #expect(text.contains("We will not build on the northern channel"))
        #expect(text.contains("Other post 1"))
        #expect(text.contains("Other post 2"))
    }

    @Test func permalinkAddressesCompareAsTheSamePage() {
        #expect(PermalinkPost.normalized("https://www.Example.org/a/b/#x", base: nil) == "example.org/a/b")
        #expect(PermalinkPost.normalized("/a/b", base: "http://example.org/c") == "example.org/a/b")
        #expect(PermalinkPost.normalized("?p=12", base: "http://example.org/") == "example.org?p=12")
        #expect(PermalinkPost.normalized("https://example.org/", base: nil) == nil)   // the home page
        #expect(PermalinkPost.normalized("#comments", base: "https://example.org/a") == nil)
    }

    // MARK: what stays

    @Test func embeddedPostsAndQuotationsInTheStoryStay() throws {
        let text = try Self.text(Self.page(inside: """
            <div class="social-embed"><blockquote class="twitter-tweet"><p>The gates are closing for the first test tonight, come and watch from the bridge.</p>— River Authority</blockquote></div>
            <figure class="quote"><blockquote><p>We will not build on the northern channel until the audit is done.</p></blockquote><figcaption>The authority's chair</figcaption></figure>
            """))
        #expect(text.contains("The gates are closing for the first test tonight"))
        #expect(text.contains("We will not build on the northern channel"))
        Self.expectWholeStory(text)
    }

    @Test func socialContainerHoldingTheStorysPostsIsNotStripped() throws {
        let posts = (1...4).map {
            "<blockquote class=\"instagram-media\"><p>Resident post \($0): the water is at the second step of the church again this morning, and rising.</p></blockquote><p>Residents shared pictures of the flooding, number \($0), through the morning, as the water rose, street by street.</p>"
        }.joined()
        let html = """
            <html><head><title>Residents share the flood</title></head><body>
            <div class="social-posts-story">\(posts)</div></body></html>
            """
        let text = try Self.text(html)
        #expect(text.contains("Resident post 1"))
        #expect(text.contains("Resident post 4"))
    }

    @Test func pageClassesOnHtmlAndBodyDoNotRemoveThePage() throws {
        // "header" is one of Readability's unlikely words; on <html> it named the page's layout.
        let text = try Self.text(Self.page(inside: "", htmlAttributes: " class=\"has-sticky-header\""))
        Self.expectWholeStory(text)
        #expect(!text.contains("Flood barrier to open early"))   // the story, not the whole body
    }

    @Test func furnitureClassHoldingTheStoryIsKept() throws {
        // The whole story sits in a block whose class says "related": a block this large is not furniture.
        let paragraphs = Self.story.map { "<p>\($0)</p>" }.joined()
        let html = "<html><head><title>t</title></head><body><div class=\"story-body with-related-links\">\(paragraphs)</div></body></html>"
        Self.expectWholeStory(try Self.text(html))
    }

    @Test func rulesStandDownWhenTheyWouldTakeMostOfThePage() throws {
        // An index page of teasers: every block is a card, so the refinement leaves Readability's result.
        let html = """
            <html><head><title>Latest</title></head><body><div class="river">\((1...8).map {
                "<div class=\"promo-item\"><p>Teaser number \($0) of the river page, with a sentence, long enough, to score as a paragraph here.</p></div>"
            }.joined())</div></body></html>
            """
        let refinedAway = try ArticleExtractor.extract(html: Array(html.utf8), url: nil).text
        #expect(refinedAway.contains("Teaser number 1"))
        #expect(refinedAway.contains("Teaser number 8"))
    }
}

@Suite struct FurnitureRuleTests {
    @Test func classVocabulariesPickTheRule() {
        let document = Document()
        func rule(_ tag: String, _ className: String) -> ArticleRefiner.Rule? {
            FurnitureRules.rule(for: document.makeElement(tag, attributes: [Node.Attribute(name: "class", value: className)]))
        }
        #expect(rule("div", "entry-meta") == .byline)
        #expect(rule("span", "post-date") == .byline)
        #expect(rule("div", "update-notice") == nil)       // "date" only as a word of its own
        #expect(rule("div", "candidate-list") == nil)
        #expect(rule("p", "wp-caption-text") == .caption)
        #expect(rule("aside", "Newsletter-container") == .promo)
        #expect(rule("div", "story-body") == nil)
    }
}
