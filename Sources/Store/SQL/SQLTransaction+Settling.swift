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
}
