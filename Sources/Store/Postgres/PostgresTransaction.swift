import Foundation

/// PostgreSQL's part of the store's logic (the rest is `SQLTransaction`'s): several daemons share the store, so
/// duplicates are decided by unique indexes (a feed's items inserted in bulk), a topic is locked with an advisory
/// lock, and retention selects its items through the first-seen index.
final class PostgresTransaction: SQLTransaction {
    /// A feed's items in bulk, then one by one whatever the bulk statements did not settle.
    override func insertItems(feedID: Int64, _ items: [NewItem]) throws -> [ItemInsertion] {
        let keys = items.map(DedupKeys.init)
        var insertions = try insertNewItemsInBulk(feedID: feedID, items, keys)
        // Whatever the bulk statements did not settle, one by one and in order: conflicts on the dedup indexes,
        // repeats within the batch, rows raced in by another daemon.
        for index in items.indices where insertions[index] == nil {
            insertions[index] = try insertOne(feedID: feedID, items[index], keys[index])
        }
        let settled = insertions.map { $0! }
        let stored = settled.reduce(Int64(0)) { $0 + ($1.outcome == .knownEntry ? 0 : 1) }
        if stored > 0 { itemCountDeltas[feedID, default: 0] += stored }
        return settled
    }

    /// One item, one statement at a time: an INSERT that a unique index may refuse, then which index refused it.
    private func insertOne(feedID: Int64, _ item: NewItem, _ keys: DedupKeys) throws -> ItemInsertion {
        func insert(duplicateOf: Int64?) throws -> Int64? {
            try connection.insertReturningID(Self.insertItemSQL, Self.itemValues(feedID, item, keys, duplicateOf))
        }
        if let id = try insert(duplicateOf: nil) { return ItemInsertion(itemID: id, outcome: .new) }
        // The insert hit a unique index: which one decides what the item is.
        if let existing = try knownEntry(feedID: feedID, entryID: item.entryID) {
            return ItemInsertion(itemID: existing, outcome: .knownEntry)
        }
        var outcome: ItemInsertOutcome?
        if let urlKey = keys.url, let primary = try connection.queryOne(
            "SELECT id FROM items WHERE url_key = ? AND duplicate_of IS NULL", [.integer(urlKey)])?.int64(0) {
            outcome = .duplicateURL(of: primary)
        } else if let contentKey = keys.content, let primary = try connection.queryOne(
            "SELECT id FROM items WHERE content_key = ? AND duplicate_of IS NULL", [.integer(contentKey)])?.int64(0) {
            outcome = .duplicateContent(of: primary)
        }
        let primary: Int64
        switch outcome {
        case .duplicateURL(let id)?, .duplicateContent(let id)?: primary = id
        default: throw conflictVanished()
        }
        guard let id = try insert(duplicateOf: primary), let outcome else { throw conflictVanished() }
        return ItemInsertion(itemID: id, outcome: outcome)
    }

    /// PostgreSQL: a feed's items in a few statements instead of one round trip per item. First the feed's
    /// already-known entry ids (a re-fetched feed is mostly those), then one multi-row
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING id, entry_id` for the rest: a row that comes back is new, since
    /// none of the unique indexes (entry id, URL key, content key) refused it. Everything else stays nil for the
    /// one-by-one path, which asks the indexes what the conflict was. An entry id repeated within the batch is
    /// left out of the bulk statements, so it resolves against its first occurrence, as one by one.
    private func insertNewItemsInBulk(feedID: Int64, _ items: [NewItem], _ keys: [DedupKeys]) throws -> [ItemInsertion?] {
        var insertions: [ItemInsertion?] = Array(repeating: nil, count: items.count)
        // Entry ids as the server stores them (the connection drops NUL characters), to match returned rows.
        let entryIDs = items.map { $0.entryID.utf8.contains(0) ? $0.entryID.replacingOccurrences(of: "\0", with: "") : $0.entryID }
        var firstOccurrence: [String: Int] = [:]
        var candidates: [Int] = []
        for index in items.indices where firstOccurrence[entryIDs[index]] == nil {
            firstOccurrence[entryIDs[index]] = index
            candidates.append(index)
        }
        var known: [String: Int64] = [:]
        for chunk in Self.chunks(candidates) {
            let rows = try connection.query(
                "SELECT id, entry_id FROM items WHERE feed_id = ? AND entry_id IN (\(Self.placeholders(chunk.count, 1)))",
                [.integer(feedID)] + chunk.map { .text(entryIDs[$0]) })
            for row in rows { known[row.string(1) ?? ""] = row.int64(0) }
        }
        var fresh: [Int] = []
        for index in candidates {
            if let id = known[entryIDs[index]] {
                insertions[index] = ItemInsertion(itemID: id, outcome: .knownEntry)
            } else {
                fresh.append(index)
            }
        }
        for chunk in Self.chunks(fresh) {
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * 13)
            for index in chunk { values += Self.itemValues(feedID, items[index], keys[index], nil) }
            let rows = try connection.query(Self.bulkInsertItemSQL(rows: chunk.count) + " RETURNING id, entry_id", values)
            var inserted: [String: Int64] = [:]
            for row in rows { inserted[row.string(1) ?? ""] = row.int64(0) }
            for index in chunk {
                if let id = inserted[entryIDs[index]] { insertions[index] = ItemInsertion(itemID: id, outcome: .new) }
            }
        }
        return insertions
    }

    /// Splits into runs of 64, 32, …, 1 items, so a handful of statement shapes (each prepared once per
    /// connection) serve any batch size.
    private static func chunks(_ indices: [Int]) -> [ArraySlice<Int>] {
        var result: [ArraySlice<Int>] = []
        var start = 0
        while start < indices.count {
            var size = 64
            while size > indices.count - start { size /= 2 }
            result.append(indices[start..<(start + size)])
            start += size
        }
        return result
    }

    private static func placeholders(_ count: Int, _ perGroup: Int) -> String {
        let group = perGroup == 1 ? "?" : "(" + Array(repeating: "?", count: perGroup).joined(separator: ", ") + ")"
        return Array(repeating: group, count: count).joined(separator: ", ")
    }

    private static func bulkInsertItemSQL(rows: Int) -> String {
        """
        INSERT INTO items (feed_id, entry_id, title, link, canonical_url, published, first_seen, summary, content,
            fingerprint, url_key, content_key, duplicate_of)
        VALUES \(placeholders(rows, 13)) ON CONFLICT DO NOTHING
        """
    }

    override func anotherPrimaryHolds(urlKey: Int64?, contentKey: Int64?, except: Int64) throws -> Bool {
        if let urlKey, try connection.queryOne("SELECT 1 FROM items WHERE url_key = ? AND duplicate_of IS NULL AND id <> ?",
                                               [.integer(urlKey), .integer(except)]) != nil { return true }
        if let contentKey, try connection.queryOne("SELECT 1 FROM items WHERE content_key = ? AND duplicate_of IS NULL AND id <> ?",
                                                   [.integer(contentKey), .integer(except)]) != nil { return true }
        return false
    }

    override func lockTopic(_ topic: String) throws {
        // Two-key form: its own key space, apart from the one-key migration lock.
        _ = try connection.query("SELECT pg_advisory_xact_lock(7427, hashtext(?))", [.text(topic)])
    }

    override func selectPrunedItems(before cutoff: SQLValue) throws -> PrunedItems {
        PrunedItems(ids: "SELECT id FROM items WHERE first_seen < ?", parameters: [cutoff],
                    countsPerFeed: "SELECT feed_id, count(*) FROM items WHERE first_seen < ? GROUP BY feed_id")
    }
}
