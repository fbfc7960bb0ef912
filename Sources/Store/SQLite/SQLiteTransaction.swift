import Foundation

/// SQLite's part of the store's logic (the rest is `SQLTransaction`'s): one writer process, so cross-feed duplicates
/// are decided by the writer's in-memory keys (`ItemKeyIndex`), the topic lock is the write lock itself, and
/// retention selects its items by one scan into a temporary table.
final class SQLiteTransaction: SQLTransaction {
    let sqlite: SQLiteConnection
    /// The connection's in-memory dedup keys (used by the writer connection only).
    var itemKeys: ItemKeyIndex { sqlite.itemKeys }

    init(connection: SQLiteConnection, storeName: String) {
        sqlite = connection
        super.init(connection: connection, storeName: storeName)
    }

    /// Cross-feed duplicates are decided by the writer's in-memory keys (refreshed under the write lock), so the
    /// item INSERT only meets the per-feed entry-id index; a new primary's keys go to `item_keys`.
    override func insertItems(feedID: Int64, _ items: [NewItem]) throws -> [ItemInsertion] {
        try itemKeys.refresh(sqlite)
        // One statement handle per batch, columns bound directly: per row, no SQL-text lookup, no value array,
        // no copies of the texts.
        let insert = try sqlite.rowBinder(Self.insertItemSQL)
        let insertKeys = try sqlite.rowBinder(Self.insertItemKeysSQL)
        var insertions: [ItemInsertion] = []
        insertions.reserveCapacity(items.count)
        var stored: Int64 = 0
        for item in items {
            let keys = DedupKeys(item)
            var outcome = ItemInsertOutcome.new
            var duplicateOf: Int64?
            if let urlKey = keys.url, let primary = itemKeys.primary(urlKey: urlKey) {
                outcome = .duplicateURL(of: primary)
                duplicateOf = primary
            } else if let contentKey = keys.content, let primary = itemKeys.primary(contentKey: contentKey) {
                outcome = .duplicateContent(of: primary)
                duplicateOf = primary
            }
            // Parameter numbers follow the column list of `insertItemSQL`.
            try insert.bind(1, feedID)
            try insert.bind(6, item.published?.timeIntervalSince1970)
            try insert.bind(7, item.firstSeen.timeIntervalSince1970)
            try insert.bind(11, keys.url)
            try insert.bind(12, keys.content)
            try insert.bind(13, duplicateOf)
            guard let id = try insert.insert(texts: [
                (2, item.entryID), (3, item.title), (4, item.link), (5, keys.canonicalURL), (8, item.summary),
                (9, item.content), (10, keys.fingerprint),
            ]) else {
                // Only the entry-id index can refuse the row: this feed already has the entry.
                guard let existing = try knownEntry(feedID: feedID, entryID: item.entryID) else { throw conflictVanished() }
                insertions.append(ItemInsertion(itemID: existing, outcome: .knownEntry))
                continue
            }
            if duplicateOf == nil, keys.url != nil || keys.content != nil {
                try insertKeys.bind(1, id)
                try insertKeys.bind(2, keys.url)
                try insertKeys.bind(3, keys.content)
                _ = try insertKeys.insert(texts: [])
                itemKeys.claim(itemID: id, urlKey: keys.url, contentKey: keys.content)
            }
            insertions.append(ItemInsertion(itemID: id, outcome: outcome))
            stored += 1
        }
        if stored > 0 { itemCountDeltas[feedID, default: 0] += stored }
        return insertions
    }

    private static let insertItemKeysSQL = "INSERT INTO item_keys (item_id, url_key, content_key) VALUES (?, ?, ?)"

    override func anotherPrimaryHolds(urlKey: Int64?, contentKey: Int64?, except: Int64) throws -> Bool {
        try itemKeys.refresh(sqlite)
        let holders = [urlKey.flatMap(itemKeys.primary(urlKey:)), contentKey.flatMap(itemKeys.primary(contentKey:))]
        return holders.contains { $0 != nil && $0 != except }
    }

    /// The keys move to the new primary, in `item_keys` and in memory; other processes' maps reload in full (an
    /// incremental load would not see the old primary's row go).
    override func primaryMoved(from old: Int64, keys oldKeys: (url: Int64?, content: Int64?), to newPrimary: Int64,
                               keys newKeys: (url: Int64?, content: Int64?)) throws {
        try connection.execute("DELETE FROM item_keys WHERE item_id = ?", [.integer(old)])
        if newKeys.url != nil || newKeys.content != nil {
            try connection.execute(Self.insertItemKeysSQL, [.integer(newPrimary), SQLValue(newKeys.url), SQLValue(newKeys.content)])
        }
        try connection.execute("UPDATE counters SET value = value + 1 WHERE name = 'dedup_generation'", [])
        let generation = try connection.queryOne("SELECT value FROM counters WHERE name = 'dedup_generation'", [])?.int64(0) ?? 0
        itemKeys.move(from: old, keys: oldKeys, to: newPrimary, keys: newKeys, generation: generation)
    }

    override func lockTopic(_ topic: String) throws {
        // BEGIN IMMEDIATE already made this the only writer.
    }

    /// No first-seen index on SQLite (schema 4): one scan of the items into a temporary table, whose ids the
    /// deletes then look up by rowid.
    override func selectPrunedItems(before cutoff: SQLValue) throws -> PrunedItems {
        try connection.executeScript("""
            CREATE TEMP TABLE IF NOT EXISTS pruned_items (id INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL);
            DELETE FROM pruned_items;
            """)
        try connection.execute("INSERT INTO pruned_items (id, feed_id) SELECT id, feed_id FROM items WHERE first_seen < ?", [cutoff])
        return PrunedItems(ids: "SELECT id FROM pruned_items", parameters: [],
                           countsPerFeed: "SELECT feed_id, count(*) FROM pruned_items GROUP BY feed_id")
    }

    override func willDeletePrunedItems(_ items: PrunedItems) throws {
        try connection.execute("DELETE FROM item_keys WHERE item_id IN (\(items.ids))", items.parameters)
        // Other processes' maps (and ours) reload in full: pruned rowids may be handed out again.
        try connection.execute("UPDATE counters SET value = value + 1 WHERE name = 'dedup_generation'", [])
        itemKeys.invalidate()
    }

    override func didDeletePrunedItems() throws {
        try connection.executeScript("DELETE FROM pruned_items")
    }
}
