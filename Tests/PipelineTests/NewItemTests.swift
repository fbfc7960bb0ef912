@testable import Feeds
import Foundation
@testable import Pipeline
import Store
import Testing

@Suite struct NewItemTests {
    /// An item keeps the entry's plain texts; its markup is not carried into the store.
    @Test func anItemCarriesTheEntrysPlainTexts() {
        let now = Date()
        let marked = FeedEntry(stableID: "b", title: "T", summary: "Just words here.", summaryHTML: "<p>Just <b>words</b> here.</p>")
        let item = NewItem(entry: marked, firstSeen: now)
        #expect(item.summary == "Just words here." && item.content == nil && item.entryID == "b" && item.title == "T")

        let content = FeedEntry(stableID: "c", title: nil, summary: "Short.", content: "Long body & more.", summaryHTML: "Short.",
                                contentHTML: "<p>Long body &amp; more.</p>")
        let withContent = NewItem(entry: content, firstSeen: now)
        #expect(withContent.summary == "Short." && withContent.content == "Long body & more." && withContent.title == "")
        #expect(withContent.judgeableText == "Long body & more.")
    }
}
