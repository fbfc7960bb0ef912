import Foundation
@testable import Store
import Testing
import TestSupport

/// Issue 17: `takeSettlingPlace`, an earlier-published cross-feed duplicate taking the place of a primary still
/// waiting in the settle window, on both backends: the rows, the waiting row, and later dedup (same handle, and a
/// new handle that loads the keys from the store) all follow the new primary.
@Suite struct SettlingPlaceTests {
    static let text = "Gravel barges from Tenby Reach will use the night tide for a fortnight while the Hollin swing bridge is repainted, the port office said."

    static func story(_ entry: String, site: String, published: Date) -> NewItem {
        item(entry, title: "Hollin bridge repaint moves barges to night tide", link: "https://\(site)/\(entry)",
             text: text, seen: published)
    }

    @Test(arguments: Backend.allCases)
    func anEarlierDuplicateTakesTheWaitingPrimarysPlace(_ backend: Backend) throws {
        let location = try StoreLocation.fresh(backend)
        defer { location.cleanup() }
        var store = try location.open()
        defer { store.close() }
        let feeds = try addFeeds(store, ["https://a.example/f", "https://b.example/f", "https://c.example/f", "https://d.example/f"])
        let arrived = t0.addingTimeInterval(5000)
        // The copy (feed b) arrives first and waits; a later copy (feed c) is its duplicate.
        let copyID = try store.write { tx -> Int64 in
            let id = try tx.insertItems(feedID: feeds[1], [Self.story("copy", site: "b.example", published: t0.addingTimeInterval(3600))])[0].itemID
            try tx.holdForSettling([SettlingItem(itemID: id, feedID: feeds[1], position: 0, topics: ["x"], baseline: false, arrived: arrived)])
            return id
        }
        let laterID = try store.write { tx in
            try tx.insertItems(feedID: feeds[2], [Self.story("later", site: "c.example", published: t0.addingTimeInterval(7200))])[0]
        }
        #expect(laterID.outcome == .duplicateContent(of: copyID))
        // Not earlier than the waiting item: nothing changes.
        #expect(try store.write { tx in
            try tx.takeSettlingPlace(of: copyID, by: laterID.itemID, feedID: feeds[2], position: 0, topics: ["x"], baseline: false)
        } == false)
        // The original (feed a, published earlier) arrives as a duplicate and takes the place.
        let original = try store.write { tx -> (ItemInsertion, Bool) in
            let insertion = try tx.insertItems(feedID: feeds[0], [Self.story("original", site: "a.example", published: t0)])[0]
            return (insertion, try tx.takeSettlingPlace(of: copyID, by: insertion.itemID, feedID: feeds[0], position: 3,
                                                        topics: ["x", "y"], baseline: true))
        }
        #expect(original.0.outcome == .duplicateContent(of: copyID))
        #expect(original.1)
        let originalID = original.0.itemID
        let (waiting, rows) = try store.read { reader in
            (try reader.settlingItems(), try [originalID, copyID, laterID.itemID].map { try reader.item(id: $0)?.duplicateOf })
        }
        #expect(waiting == [SettlingItem(itemID: originalID, feedID: feeds[0], position: 3, topics: ["x", "y"],
                                         baseline: false, arrived: arrived)])
        #expect(rows == [nil, originalID, originalID])
        // Not waiting any more: a second taking fails.
        #expect(try store.write { tx in
            try tx.takeSettlingPlace(of: copyID, by: laterID.itemID, feedID: feeds[2], position: 0, topics: ["x"], baseline: false)
        } == false)
        // Later copies are duplicates of the original, on this handle and on a new one.
        #expect(try store.write { tx in
            try tx.insertItems(feedID: feeds[3], [Self.story("again", site: "d.example", published: t0)])[0].outcome
        } == .duplicateContent(of: originalID))
        store.close()
        store = try location.open()
        #expect(try store.write { tx in
            try tx.insertItems(feedID: feeds[3], [Self.story("more", site: "d.example", published: t0)])[0].outcome
        } == .duplicateContent(of: originalID))
        // The original's own URL is its key now.
        #expect(try store.write { tx in
            try tx.insertItems(feedID: feeds[3], [item("url", link: "https://a.example/original?utm_source=x")])[0].outcome
        } == .duplicateURL(of: originalID))
    }

    struct Abandon: Error {}

    /// A transaction that took the place and rolled back leaves the copy the primary (SQLite: the writer's keys
    /// in memory are reloaded, not left pointing at a row that was never committed).
    @Test(arguments: Backend.allCases)
    func aRolledBackTakingChangesNothing(_ backend: Backend) throws {
        try withStore(backend) { store, _ in
            let feeds = try addFeeds(store, ["https://a.example/f", "https://b.example/f", "https://c.example/f"])
            let copyID = try store.write { tx -> Int64 in
                let id = try tx.insertItems(feedID: feeds[1], [Self.story("copy", site: "b.example", published: t0.addingTimeInterval(3600))])[0].itemID
                try tx.holdForSettling([SettlingItem(itemID: id, feedID: feeds[1], position: 0, topics: ["x"], baseline: false, arrived: t0)])
                return id
            }
            var took = false
            #expect(throws: Abandon.self) {
                try store.write { tx in
                    let insertion = try tx.insertItems(feedID: feeds[0], [Self.story("original", site: "a.example", published: t0)])[0]
                    took = try tx.takeSettlingPlace(of: copyID, by: insertion.itemID, feedID: feeds[0], position: 0,
                                                    topics: ["x"], baseline: false)
                    throw Abandon()
                }
            }
            #expect(took)
            let outcome = try store.write { tx in
                try tx.insertItems(feedID: feeds[2], [Self.story("again", site: "c.example", published: t0)])[0].outcome
            }
            #expect(outcome == .duplicateContent(of: copyID))
            #expect(try store.read { try $0.settlingItems().map(\.itemID) } == [copyID])
        }
    }
}
