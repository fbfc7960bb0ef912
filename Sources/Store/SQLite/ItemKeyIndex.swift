/// SQLite only: the cross-feed dedup keys (canonical-URL key and content key of every primary item) held in memory
/// by the writer connection, backed by the `item_keys` table written in the same transaction as the items.
///
/// Why: as unique B-tree indexes these 64-bit hash keys land on random pages, so every 50-item transaction dirtied
/// ~100 index pages and wrote them (4 KiB each) to the WAL: more than half of ingest CPU at a million items.
/// `item_keys` is keyed by item id, so its rows are appended next to each other, and lookups hit a hash map.
///
/// Correctness across processes sharing the file: lookups happen only inside a write transaction (BEGIN IMMEDIATE,
/// so no one else can commit meanwhile) after `refresh`, which notices other connections' commits through
/// `PRAGMA data_version` and loads the rows they appended (item ids only grow: new rowids are max + 1 under the
/// write lock); a prune anywhere bumps the `dedup_generation` counter, which forces a full reload, because pruning
/// is the only thing that deletes rows (and so could let rowids be reused). Claims made by a transaction that
/// rolls back are undone, so the map always equals the committed table plus the open transaction's own rows.
final class ItemKeyIndex {
    private var byURL = KeyToItemID()
    private var byContent = KeyToItemID()
    /// Highest item id loaded from or claimed into the table.
    private var loadedThrough: Int64 = 0
    private var generation: Int64 = -1
    private var dataVersion: Int64 = -1
    private var loaded = false
    /// Keys claimed by the open transaction, to remove again if it rolls back.
    private var claimedInTransaction: [(url: Int64?, content: Int64?)] = []

    /// Brings the map up to date with the committed table. Call inside the write transaction, before lookups.
    func refresh(_ connection: SQLiteConnection) throws {
        let version = try connection.queryOne("PRAGMA data_version", [])?.int64(0) ?? 0
        if loaded && version == dataVersion { return }
        let currentGeneration = try connection.queryOne(
            "SELECT value FROM counters WHERE name = 'dedup_generation'", [])?.int64(0) ?? 0
        if !loaded || currentGeneration != generation {
            byURL.removeAll()
            byContent.removeAll()
            loadedThrough = 0
            let rows = try connection.queryOne("SELECT count(*) FROM item_keys", [])?.int(0) ?? 0
            byURL.reserveCapacity(rows)
            byContent.reserveCapacity(rows)
        }
        var highest = loadedThrough
        try connection.forEachIntegerTriple(
            "SELECT item_id, url_key, content_key FROM item_keys WHERE item_id > ? ORDER BY item_id",
            [.integer(loadedThrough)]) { itemID, urlKey, contentKey in
            if let urlKey { byURL[urlKey] = itemID }
            if let contentKey { byContent[contentKey] = itemID }
            highest = max(highest, itemID)
        }
        loadedThrough = highest
        generation = currentGeneration
        dataVersion = version
        loaded = true
    }

    func primary(urlKey: Int64) -> Int64? { byURL[urlKey] }
    func primary(contentKey: Int64) -> Int64? { byContent[contentKey] }

    /// Records a new primary item's keys (the caller inserts its `item_keys` row in the same transaction).
    func claim(itemID: Int64, urlKey: Int64?, contentKey: Int64?) {
        if let urlKey { byURL[urlKey] = itemID }
        if let contentKey { byContent[contentKey] = itemID }
        loadedThrough = max(loadedThrough, itemID)
        claimedInTransaction.append((urlKey, contentKey))
    }

    func transactionCommitted() { claimedInTransaction.removeAll(keepingCapacity: true) }

    func transactionRolledBack() {
        // A claim is only made for keys that were absent, so removing them restores the committed state. Rowids
        // of rolled-back rows are handed out again, so the next incremental load must start below them.
        guard !claimedInTransaction.isEmpty else { return }
        for claim in claimedInTransaction {
            if let url = claim.url { byURL[url] = nil }
            if let content = claim.content { byContent[content] = nil }
        }
        claimedInTransaction.removeAll(keepingCapacity: true)
        loaded = false
    }

    /// Keys held and the bytes their hash tables occupy.
    var footprint: (keys: Int, bytes: Int) { (byURL.count + byContent.count, byURL.bytes + byContent.bytes) }

    /// Forces a full reload at the next refresh (after this process pruned).
    func invalidate() { loaded = false }
}

/// A 64-bit key → item id map that keeps ids in 32 bits: 12 bytes a bucket instead of 16, a quarter less memory
/// for the dedup keys (the daemon's largest structure). Ids beyond UInt32 (four billion rows) go to a second
/// table, normally empty, so every id still round-trips.
struct KeyToItemID {
    private var compact: [Int64: UInt32] = [:]
    private var wide: [Int64: Int64] = [:]

    subscript(key: Int64) -> Int64? {
        get {
            if let id = compact[key] { return Int64(id) }
            return wide.isEmpty ? nil : wide[key]
        }
        set {
            if let newValue, newValue >= 0, newValue <= Int64(UInt32.max) {
                compact[key] = UInt32(newValue)
                if !wide.isEmpty { wide[key] = nil }
            } else {
                compact[key] = nil
                if newValue != nil || !wide.isEmpty { wide[key] = newValue }
            }
        }
    }

    var count: Int { compact.count + wide.count }

    mutating func reserveCapacity(_ minimumCapacity: Int) { compact.reserveCapacity(minimumCapacity) }

    mutating func removeAll() {
        compact.removeAll(keepingCapacity: true)
        wide.removeAll()
    }

    /// A Swift dictionary keeps a power-of-two number of buckets, at most 3/4 full: per bucket the key, the
    /// value and one occupancy bit.
    var bytes: Int {
        func bytes(capacity: Int, perBucket: Int) -> Int {
            guard capacity > 0 else { return 0 }
            var buckets = 1
            while buckets * 3 / 4 < capacity { buckets *= 2 }
            return buckets * perBucket + buckets / 8
        }
        return bytes(capacity: compact.capacity, perBucket: 12) + bytes(capacity: wide.capacity, perBucket: 16)
    }
}
