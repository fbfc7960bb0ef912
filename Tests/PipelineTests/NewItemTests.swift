@testable import Feeds
import Foundation
@testable import Pipeline
import Store
import Testing

@Suite struct NewItemTests {
    @Test func markupThatIsItsOwnPlainTextIsNotStoredTwice() {
        let now = Date()
        let plain = FeedEntry(stableID: "a", title: "T", summary: "Just words here.", summaryHTML: "Just words here.")
        #expect(NewItem(entry: plain, firstSeen: now).html == nil)
        #expect(NewItem(entry: plain, firstSeen: now).summary == "Just words here.")

        let marked = FeedEntry(stableID: "b", title: "T", summary: "Just words here.", summaryHTML: "<p>Just words here.</p>")
        #expect(NewItem(entry: marked, firstSeen: now).html == "<p>Just words here.</p>")

        // Content's markup is compared with the content, not with the summary.
        let content = FeedEntry(stableID: "c", title: "T", summary: "Short.", content: "Long body.", summaryHTML: "Short.",
                                contentHTML: "Long body &amp; more.")
        #expect(NewItem(entry: content, firstSeen: now).html == "Long body &amp; more.")
        let plainContent = FeedEntry(stableID: "d", title: "T", summary: "Short.", content: "Long body.", summaryHTML: "<b>Short.</b>",
                                     contentHTML: "Long body.")
        #expect(NewItem(entry: plainContent, firstSeen: now).html == nil)
    }
}
