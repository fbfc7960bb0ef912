import Foundation
import Store
import Testing

/// Dedup keys are computed in one place (`NewItem.withDedupKeys`); the store stores what an item carries.
@Suite struct DedupKeysTests {
    let words = "Talks on the new defence agreement resumed on Monday in the capital with both delegations present."

    @Test func keysAreComputedOnceAndKeptWhenGiven() {
        let plain = NewItem(entryID: "a", title: "Defence talks", link: "https://news.example/a?utm_source=rss&id=4",
                            firstSeen: t0, summary: words)
        let keyed = NewItem.withDedupKeys([plain, plain])
        #expect(keyed[0].canonicalURL == CanonicalURL.canonicalize("https://news.example/a?utm_source=rss&id=4"))
        #expect(keyed[0].canonicalURL?.contains("utm_source") == false)
        #expect(keyed[0].fingerprint != nil && keyed[0].fingerprint == ContentFingerprint.of(plain))
        #expect(keyed[1] == keyed[0])

        var preset = plain
        preset.canonicalURL = "https://elsewhere.example/x"
        preset.fingerprint = "given"
        #expect(NewItem.withDedupKeys([preset]) == [preset])
    }

    @Test(arguments: Backend.allCases)
    func theStoreStoresTheKeysAnItemCarries(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feeds = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss"])
            let bare = NewItem(entryID: "a1", title: "Defence talks", link: "https://news.example/a?utm_source=rss",
                               firstSeen: t0, summary: words)
            // Without keys: stored as given, so the same link in another feed is not taken for a duplicate.
            let first = try store.write { try $0.insertItems(feedID: feeds[0], [bare]) }[0]
            let stored = try #require(try store.read { try $0.item(id: first.itemID) })
            #expect(stored.canonicalURL == nil && stored.fingerprint == nil)
            var again = bare
            again.entryID = "b1"
            #expect(try store.write { try $0.insertItems(feedID: feeds[1], [again]) }[0].outcome == .new)
            // With keys: the copy under another URL of the same words is a duplicate of the keyed original.
            let keyed = NewItem.withDedupKeys([NewItem(entryID: "a2", title: "Defence talks", link: "https://news.example/k",
                                                       firstSeen: t0, summary: words)])[0]
            let original = try store.write { try $0.insertItems(feedID: feeds[0], [keyed]) }[0]
            #expect(original.outcome == .new)
            let copy = NewItem.withDedupKeys([NewItem(entryID: "b2", title: "Defence talks", link: "https://mirror.example/k",
                                                      firstSeen: t0, summary: words)])[0]
            #expect(try store.write { try $0.insertItems(feedID: feeds[1], [copy]) }[0].outcome
                        == .duplicateContent(of: original.itemID))
        }
    }
}
