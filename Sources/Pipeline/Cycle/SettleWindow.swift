import Foundation
import Store

/// The settle window (`[coverage] settle`, issue 17): on-topic items are stored when they arrive but judged only
/// once the earliest of them has waited `settle`; then every item waiting is judged in one go, in the contract's
/// order (publication time, feed order, position). So when several outlets carry a story within the window, the
/// original is the new event and its reprints add nothing, whichever feed the poller reached first. Waiting items
/// live in the store (`settling`), so a SIGKILL while they wait loses nothing.
enum SettleWindow {
    /// What to judge in this transaction: `arrived` are the cycle's new on-topic items. With a window, they are
    /// held; when the earliest held item's window has ended (or `judgeAtOnce`: `poll --once`, or `settle` 0),
    /// everything held is taken out of the window and returned with them.
    static func take(arrived: [Candidate], settle: TimeInterval, judgeAtOnce: Bool, now: Date,
                     transaction: StoreTransaction, feedOrder: (FeedRecord) -> Int) throws -> [Candidate] {
        let atOnce = judgeAtOnce || settle <= 0
        if !atOnce {
            try transaction.holdForSettling(arrived.map {
                SettlingItem(itemID: $0.itemID, feedID: $0.feed.id, position: $0.position, topics: $0.topics,
                             baseline: $0.baseline, arrived: now)
            })
        }
        let held = try transaction.settlingItems()
        if atOnce && held.isEmpty { return arrived }
        if !atOnce {
            guard let earliest = held.first?.arrived, earliest.addingTimeInterval(settle) <= now else { return [] }
        }
        let taken = try transaction.releaseSettled(itemIDs: held.map(\.itemID))
        let arrivedIDs = atOnce ? Set(arrived.map(\.itemID)) : []
        var feeds: [Int64: FeedRecord] = [:]
        var out = atOnce ? arrived : []
        for entry in held where taken.contains(entry.itemID) && !arrivedIDs.contains(entry.itemID) {
            // An item pruned while it waited, or a feed removed from the store, is dropped.
            guard let record = try transaction.item(id: entry.itemID) else { continue }
            if feeds[entry.feedID] == nil { feeds[entry.feedID] = try transaction.feed(id: entry.feedID) }
            guard let feed = feeds[entry.feedID] else { continue }
            out.append(Candidate(item: record.item, itemID: entry.itemID, feed: feed, feedOrder: feedOrder(feed),
                                 position: entry.position, topics: entry.topics, baseline: entry.baseline))
        }
        return out
    }

    /// When the earliest waiting item's window ends (nil: nothing waits). The daemon wakes then to judge.
    static func nextDeadline(store: any Store, settle: TimeInterval) throws -> Date? {
        try store.read { try $0.settlingItems().first?.arrived }.map { $0.addingTimeInterval(max(0, settle)) }
    }
}
