import Foundation
import Testing
@testable import Articles

/// The rules beyond Readability for the end of the story and for lines without a telling class: epilogues
/// after a rule, "About <company>" boilerplate, trailing headings, link lines and calls to action, standfirsts,
/// captions recognised by their picture, date-only lines. Each page holds the six story paragraphs plus the
/// furniture; the furniture is in `<p>` lines that Readability itself keeps.
@Suite struct StoryTailTests {
    static let story = ExtractionTests.storyParagraphs

    /// A page whose `<article>` holds `before`, the six story paragraphs, then `after`.
    static func page(before: String = "", after: String = "", title: String = "Flood barrier to open early") -> String {
        """
        <!DOCTYPE html><html><head><title>\(title)</title></head><body>
        <article class="story">\(before)
        \(story.map { "<p>\($0)</p>" }.joined(separator: "\n"))
        \(after)
        </article></body></html>
        """
    }

    static func text(_ html: String) throws -> String {
        try ArticleExtractor.extract(html: Array(html.utf8), url: "https://example.org/news/x").text
    }

    static func expectWholeStory(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        RefinementTests.expectWholeStory(text, sourceLocation: sourceLocation)
    }

    // MARK: epilogues

    @Test func linksAfterARuleAreDropped() throws {
        let text = try Self.text(Self.page(after: """
            <hr><p><strong>More from the Gazette</strong></p>
            <p>Bridges: <a href="/a">why the old crossing will close for a year</a></p>
            <p>Weather: <a href="/b">the wettest autumn since records began</a></p>
            """))
        #expect(!text.contains("More from the Gazette"))
        #expect(!text.contains("old crossing"))
        Self.expectWholeStory(text)
    }

    @Test func wireFollowLineAfterUnderscoresIsDropped() throws {
        let text = try Self.text(Self.page(after: """
            <p>___</p><p>Follow the Gazette's full coverage of the floods at <a href="https://example.org/floods">https://example.org/floods</a></p>
            """))
        #expect(!text.contains("full coverage"))
        #expect(!text.contains("___"))
        Self.expectWholeStory(text)
    }

    @Test func smallPrintAfterARuleIsDropped() throws {
        let text = try Self.text(Self.page(after: """
            <hr><p style="font-size: 12px">The Gazette is an independent newspaper serving the river towns since 1871, published daily.</p>
            """))
        #expect(!text.contains("independent newspaper"))
        Self.expectWholeStory(text)
    }

    @Test func referencesAndLastSectionsAfterARuleStay() throws {
        // After a rule, plain text without links, headings or small print is the story's (or its sources).
        let references = try Self.text(Self.page(after: """
            <hr><p>More information: J. Doe et al., Barriers on lowland rivers, Journal of Floods (2024). <a href="https://doi.org/10.1/x">DOI: 10.1/x</a></p>
            """))
        #expect(references.contains("Barriers on lowland rivers"))
        // Section breaks: the first rule splits the story itself, so no rule's tail is an epilogue.
        let paragraphs = Self.story.map { "<p>\($0)</p>" }
        let essay = """
            <html><head><title>Flood barrier</title></head><body><article>\(paragraphs[0...2].joined())<hr>
            \(paragraphs[3...4].joined())<hr>\(paragraphs[5])<hr><p><a href="/a">A link line after the last rule</a></p></article></body></html>
            """
        let text = try Self.text(essay)
        Self.expectWholeStory(text)
    }

    @Test func aboutTheCompanyBoilerplateIsDropped() throws {
        let text = try Self.text(Self.page(after: """
            <h3>About Riverside Gates Ltd</h3>
            <p>Riverside Gates Ltd designs and builds flood gates for rivers and harbours, and employs 300 people in four countries.</p>
            <p>Media contact: press office, Riverside Gates Ltd.</p>
            """))
        #expect(!text.contains("About Riverside Gates"))
        #expect(!text.contains("designs and builds flood gates"))
        Self.expectWholeStory(text)
    }

    @Test func aboutInTheStoryIsNotBoilerplate() throws {
        // "About …" heads the boilerplate only at the end; early in the story it heads a section.
        let paragraphs = Self.story.map { "<p>\($0)</p>" }
        let html = """
            <html><head><title>Flood barrier</title></head><body><article>\(paragraphs[0])<h3>About the barrier</h3>
            \(paragraphs[1...].joined())</article></body></html>
            """
        let text = try Self.text(html)
        #expect(text.contains("About the barrier"))
        Self.expectWholeStory(text)
    }

    // MARK: the end of the story

    @Test func trailingHeadingsLinkLinesAndCallsToActionAreDropped() throws {
        let text = try Self.text(Self.page(after: """
            <p><strong><a href="https://video.example.org/sub">Subscribe to the Gazette video channel for the latest reports</a></strong></p>
            <p><a href="/v/1">Gates close for the first time: the test, filmed from the bridge [Video]</a></p>
            <p><a href="/v/2">Inside the pumping station, a tour with the chief engineer [Video]</a></p>
            <h3>Tell us what you think</h3>
            <p>12 comments</p>
            """))
        #expect(!text.contains("Subscribe to the Gazette"))
        #expect(!text.contains("Gates close for the first time"))
        #expect(!text.contains("Tell us what you think"))
        #expect(!text.contains("12 comments"))
        Self.expectWholeStory(text)
    }

    @Test func theAuthorsSignOffAtTheEndIsDropped() throws {
        let html = Self.page(after: """
            <p>Jane Doe is the Gazette's river correspondent. Follow her at example.social/janedoe.</p>
            """).replacingOccurrences(of: "</title>", with: "</title><meta name=\"author\" content=\"Jane Doe\">")
        let text = try Self.text(html)
        #expect(!text.contains("river correspondent"))
        Self.expectWholeStory(text)
        // The name alone is not enough: a single-word byline could begin any sentence.
        #expect(StoryTail.firstAuthorName("Gazette") == nil)
        #expect(StoryTail.firstAuthorName("By Jane Doe and John Roe, Reuters") == "jane doe")
    }

    @Test func theTailNeverTakesMoreThanItsShare() throws {
        // A page of links after two paragraphs: the tail rules stop at their bound, leaving the first links.
        let links = (1...20).map { "<p><a href=\"/l/\($0)\">Link line number \($0) of the river's reading list</a></p>" }.joined()
        let html = """
            <html><head><title>Reading list</title></head><body><article><p>\(Self.story[0])</p><p>\(Self.story[1])</p>
            \(links)</article></body></html>
            """
        let text = try Self.text(html)
        #expect(text.contains("Link line number 1 "))
        #expect(!text.contains("Link line number 20 "))
        #expect(text.contains(Self.story[0]))
    }

    @Test func relatedLabelTakesTheLinksItHeads() throws {
        let text = try Self.text(Self.page().replacingOccurrences(of: "<p>\(Self.story[2])</p>", with: """
            <p>\(Self.story[2])</p><h4>More:</h4><ul><li><h4><a href="/x">Harbour tunnel vote delayed again</a></h4></li></ul>
            <ul><li><h4><a href="/y">Ferry timetable changes for winter</a></h4></li></ul>
            <p>[Related: <a href="/z">The barrier's cost, explained</a>]</p>
            """))
        #expect(!text.contains("Harbour tunnel"))
        #expect(!text.contains("Ferry timetable"))
        #expect(!text.contains("cost, explained"))
        #expect(!text.contains("More:"))
        Self.expectWholeStory(text)
    }

    @Test func sectionLabelBeforeTheStoryIsDropped() throws {
        let text = try Self.text(Self.page(before: """
            <h3><a href="/rivers/"><span>River Watch</span> <span>Keeping you dry</span></a></h3>
            """))
        #expect(!text.contains("River Watch"))
        Self.expectWholeStory(text)
    }

    @Test func aLinkInTheStorysFirstSentenceStays() throws {
        let html = Self.page().replacingOccurrences(of: "The river authority confirmed", with: "The <a href=\"/ra\">river authority</a> confirmed")
        Self.expectWholeStory(try Self.text(html).replacingOccurrences(of: "\n", with: " "))
    }

    // MARK: lines without a telling class

    @Test func standfirstIsDropped() throws {
        let text = try Self.text(Self.page(before: """
            <h2 class="article__subtitle">The barrier will be ready two months early, the river authority says, but critics want an audit.</h2>
            """))
        #expect(!text.contains("critics want an audit"))
        Self.expectWholeStory(text)
    }

    @Test func captionsRecognisedByTheirPicture() throws {
        let text = try Self.text(Self.page().replacingOccurrences(of: "<p>\(Self.story[2])</p>", with: """
            <p>\(Self.story[2])</p>
            <div><img src="/g.jpg" alt="Engineers inspect the new gates from a boat"><span>Engineers inspect the new gates from a boat</span></div>
            <div><img src="/h.jpg" alt=""><center><em>The gates seen from the bridge, via the River Authority</em></center></div>
            <div><img src="/i.jpg" alt=""><p><em>This visit was paid for by the authority; all opinions are the writer's own.</em></p></div>
            """))
        #expect(!text.contains("inspect the new gates"))
        #expect(!text.contains("seen from the bridge"))
        #expect(text.contains("This visit was paid for"))   // italics alone do not make a caption
        Self.expectWholeStory(text)
    }

    @Test func dateLinesAgencyCreditsAndReadingTimesAreDropped() throws {
        let text = try Self.text(Self.page(before: """
            <p>November 19, 2024</p><p>19.11.2024 10:32</p><p>5 min read</p>
            """).replacingOccurrences(of: "<p>\(Self.story[3])</p>", with: """
            <p>\(Self.story[3])</p><p>The gates at dawn on Monday. (AP Photo/Jane Snapper)</p>
            """))
        #expect(!text.contains("November 19, 2024"))
        #expect(!text.contains("19.11.2024"))
        #expect(!text.contains("5 min read"))
        #expect(!text.contains("Jane Snapper"))
        Self.expectWholeStory(text)
    }

    @Test func tagListsAndBiosAreDroppedButSpansInSentencesStay() throws {
        let text = try Self.text(Self.page(after: """
            <p class="post-tags">Floods, Riverside, Engineering</p>
            <p class="bio">Jane Doe writes about rivers, bridges and the weather for the Gazette.</p>
            """).replacingOccurrences(of: "the new flood barrier", with: "the new <span class=\"tag\">flood barrier</span>"))
        #expect(!text.contains("Engineering"))
        #expect(!text.contains("writes about rivers"))
        Self.expectWholeStory(text)
    }

    @Test func numbersInCodeAndTablesAreNotDates() throws {
        let text = try Self.text(Self.page().replacingOccurrences(of: "<p>\(Self.story[3])</p>", with: """
            <p>\(Self.story[3])</p><pre><span>2024-11-18 10:00 | 200 | 4084</span>
            <span>2, 3, 5, 8</span></pre><p>2, 3, 5, 8, 13</p>
            """))
        #expect(text.contains("2024-11-18 10:00 | 200 | 4084"))
        #expect(text.contains("2, 3, 5, 8, 13"))
        Self.expectWholeStory(text)
    }
}

@Suite struct StoryTailPatternTests {
    @Test func dateOnlyLines() {
        #expect(FurnitureRules.isDateOnly("november 18, 2019"))
        #expect(FurnitureRules.isDateOnly("mon 18 nov 2019 09.00 gmt"))
        #expect(FurnitureRules.isDateOnly("18.11.2019 | 10:32"))
        #expect(FurnitureRules.isDateOnly("2019-11-18"))
        #expect(FurnitureRules.isDateOnly("18 de noviembre de 2019"))
        #expect(!FurnitureRules.isDateOnly("2, 3, 5, 2, 3, 12"))
        #expect(!FurnitureRules.isDateOnly("4.3333"))
        #expect(!FurnitureRules.isDateOnly("may 2019 was wet"))
        #expect(!FurnitureRules.isDateOnly("2020-08-01 18:00:00+00 | 200 | 4084"))
    }

    @Test func readingTimesAndCommentCounts() {
        #expect(FurnitureRules.isReadingTime("5 min read"))
        #expect(FurnitureRules.isReadingTime("3 minute read"))
        #expect(!FurnitureRules.isReadingTime("5 people read"))
        #expect(FurnitureRules.isCommentCount("12 comments"))
        #expect(!FurnitureRules.isCommentCount("12 councillors"))
    }

    @Test func callsToActionAndLabels() {
        #expect(FurnitureRules.callToActionRule("subscribe to our newsletter") == .promo)
        #expect(FurnitureRules.callToActionRule("related: the barrier's cost") == .promo)
        #expect(FurnitureRules.callToActionRule("reporting by jane doe; editing by john roe") == .byline)
        #expect(FurnitureRules.callToActionRule("the council subscribed to the plan") == nil)
    }

    @Test func boilerplateLabelsAndSeparators() {
        let document = Document()
        func heading(_ text: String) -> Node {
            let node = document.makeElement("h3")
            node.appendChild(document.makeText(text))
            return node
        }
        #expect(StoryTail.isBoilerplateLabel(heading("About Riverside Gates Ltd")))
        #expect(StoryTail.isBoilerplateLabel(heading("Media contacts:")))
        #expect(!StoryTail.isBoilerplateLabel(heading("About")))
        #expect(!StoryTail.isBoilerplateLabel(heading("About a river that runs through the town every winter")))
        let rule = document.makeElement("p")
        rule.appendChild(document.makeText("* * *"))
        #expect(StoryTail.isSeparator(StoryTail.Line(node: rule, length: 5)))
        #expect(StoryTail.isSeparator(StoryTail.Line(node: document.makeElement("hr"), length: 0)))
    }
}
