import Foundation

/// The settle window (issue 17): on-topic items stored but not yet judged wait in `settling`, so a restart finds
/// them where a SIGKILL left them.
extension SQLTransaction {
    func settlingItems() throws -> [SettlingItem] {
        try connection.query("SELECT item_id, feed_id, position, topics, baseline, arrived FROM settling ORDER BY arrived, item_id", [])
            .map {
                SettlingItem(itemID: $0.int64(0) ?? 0, feedID: $0.int64(1) ?? 0, position: $0.int(2),
                             topics: Set(($0.string(3) ?? "").split(separator: "\n").map(String.init)),
                             baseline: $0.bool(4), arrived: $0.date(5) ?? Date(timeIntervalSince1970: 0))
            }
    }

    func holdForSettling(_ items: [SettlingItem]) throws {
        for item in items {
            try connection.execute("""
                INSERT INTO settling (item_id, feed_id, position, topics, baseline, arrived) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (item_id) DO NOTHING
                """, [.integer(item.itemID), .integer(item.feedID), SQLValue(item.position),
                      .text(item.topics.sorted().joined(separator: "\n")), SQLValue(item.baseline), SQLValue(item.arrived)])
        }
    }

    @discardableResult
    func releaseSettled(itemIDs: [Int64]) throws -> Set<Int64> {
        var taken = Set<Int64>()
        for id in itemIDs where try connection.execute("DELETE FROM settling WHERE item_id = ?", [.integer(id)]) > 0 {
            taken.insert(id)
        }
        return taken
    }

    /// See `StoreTransaction.takeSettlingPlace`.
    func takeSettlingPlace(of primary: Int64, by itemID: Int64, feedID: Int64, position: Int, topics: Set<String>,
                           baseline: Bool) throws -> Bool {
        guard itemID != primary, let row = try connection.queryOne("""
            SELECT s.baseline, coalesce(p.published, p.first_seen), p.url_key, p.content_key,
                   coalesce(n.published, n.first_seen), n.url_key, n.content_key, n.duplicate_of
            FROM settling s JOIN items p ON p.id = s.item_id JOIN items n ON n.id = ?
            WHERE s.item_id = ? AND p.duplicate_of IS NULL
            """, [.integer(itemID), .integer(primary)]),
            row.int64(7) == primary,
            let waitingPublished = row.date(1), let published = row.date(4), published < waitingPublished
        else { return false }
        let oldKeys = (url: row.int64(2), content: row.int64(3)), newKeys = (url: row.int64(5), content: row.int64(6))
        guard try !anotherPrimaryHolds(urlKey: newKeys.url, contentKey: newKeys.content, except: primary) else { return false }
        // The waiting row first: on a shared store another daemon may have just taken it out to judge it.
        guard try connection.execute("""
            UPDATE settling SET item_id = ?, feed_id = ?, position = ?, topics = ?, baseline = ? WHERE item_id = ?
            """, [.integer(itemID), .integer(feedID), SQLValue(position), .text(topics.sorted().joined(separator: "\n")),
                  SQLValue(baseline && row.bool(0)), .integer(primary)]) > 0
        else { return false }
        // The old primary's duplicates arrived after it (higher ids): the id bound keeps this to a short range scan.
        try connection.execute("UPDATE items SET duplicate_of = ? WHERE id > ? AND duplicate_of = ?",
                               [.integer(itemID), .integer(primary), .integer(primary)])
        try connection.execute("UPDATE items SET duplicate_of = ? WHERE id = ?", [.integer(itemID), .integer(primary)])
        try connection.execute("UPDATE items SET duplicate_of = NULL WHERE id = ?", [.integer(itemID)])
        try primaryMoved(from: primary, keys: oldKeys, to: itemID, keys: newKeys)
        return true
    }
}
