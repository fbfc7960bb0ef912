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
    /// A primary's keys were moved by the open transaction (`move`).
    private var movedInTransaction = false

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

    /// A newer item took an older primary's place (the settle window, issue 17): the old primary's keys go, the new
    /// one's point to it. `generation` is the counter as this transaction bumped it (so this map needs no reload).
    func move(from old: Int64, keys oldKeys: (url: Int64?, content: Int64?), to newPrimary: Int64,
              keys newKeys: (url: Int64?, content: Int64?), generation: Int64) {
        if let url = oldKeys.url, byURL[url] == old { byURL[url] = nil }
        if let content = oldKeys.content, byContent[content] == old { byContent[content] = nil }
        if let url = newKeys.url { byURL[url] = newPrimary }
        if let content = newKeys.content { byContent[content] = newPrimary }
        self.generation = generation
        movedInTransaction = true
    }

    func transactionCommitted() {
        claimedInTransaction.removeAll(keepingCapacity: true)
        movedInTransaction = false
    }

    func transactionRolledBack() {
        // A claim is only made for keys that were absent, so removing them restores the committed state. Rowids
        // of rolled-back rows are handed out again, so the next incremental load must start below them. A move
        // cannot be undone in place: reload.
        if movedInTransaction {
            movedInTransaction = false
            loaded = false
        }
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

/// A 64-bit key → item id map for the dedup keys, the daemon's largest structure: open addressing with linear
/// probing over two flat arrays (8-byte key, 32-bit id: 12 bytes a slot), up to 4/5 full (a miss, the usual
/// lookup for a new item, then probes about 13 slots at worst, all in a few adjacent cache lines). A Swift dictionary
/// keeps at most 3/4 of its buckets full and, when it grows, holds the old and the doubled table at once; for
/// 200,000 items that was 12.6 MB for both maps with an 18.9 MB peak, against 6.3 MB here.
/// Ids 1…UInt32.max − 1 live in the slots; any other id (0, negative, beyond four billion rows) goes to a side
/// dictionary, normally empty, so every id still round-trips.
struct KeyToItemID {
    private static let empty: UInt32 = 0
    /// A removed entry (a rolled-back claim): probing passes over it; the next rehash drops it.
    private static let removed: UInt32 = .max

    private var keys: [Int64] = []
    private var ids: [UInt32] = []
    /// log2 of the slot count (0 while no slots are allocated).
    private var shift = 0
    private var live = 0
    /// Live entries plus removed markers: what probing has to step over.
    private var occupied = 0
    private var wide: [Int64: Int64] = [:]

    private var slotCount: Int { ids.count }

    /// Fibonacci hashing: the keys are hashes already, but the URL key's top bits are the host's, so mix.
    @inline(__always) private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - shift))
    }

    /// The slot holding `key`, or nil.
    private func slot(of key: Int64) -> Int? {
        guard live > 0 else { return nil }
        let mask = slotCount - 1
        var index = home(key)
        while true {
            let id = ids[index]
            if id == Self.empty { return nil }
            if id != Self.removed && keys[index] == key { return index }
            index = (index + 1) & mask
        }
    }

    subscript(key: Int64) -> Int64? {
        get {
            if let index = slot(of: key) { return Int64(ids[index]) }
            return wide.isEmpty ? nil : wide[key]
        }
        set {
            if let newValue, newValue > 0, newValue < Int64(Self.removed) {
                store(key, UInt32(newValue))
                if !wide.isEmpty { wide[key] = nil }
            } else {
                remove(key)
                if newValue != nil || !wide.isEmpty { wide[key] = newValue }
            }
        }
    }

    private mutating func store(_ key: Int64, _ id: UInt32) {
        if (occupied + 1) * 5 > slotCount * 4 { rehash(minimumLive: live + 1) }
        let mask = slotCount - 1
        var index = home(key)
        var firstRemoved: Int?
        while true {
            let current = ids[index]
            if current == Self.empty { break }
            if current == Self.removed {
                if firstRemoved == nil { firstRemoved = index }
            } else if keys[index] == key {
                ids[index] = id
                return
            }
            index = (index + 1) & mask
        }
        if let reuse = firstRemoved { index = reuse } else { occupied += 1 }
        keys[index] = key
        ids[index] = id
        live += 1
    }

    private mutating func remove(_ key: Int64) {
        guard let index = slot(of: key) else { return }
        ids[index] = Self.removed
        live -= 1
    }

    /// Re-inserts the live entries into the smallest power-of-two slot count that keeps `minimumLive` at most 4/5 full.
    private mutating func rehash(minimumLive: Int) {
        var newShift = 3
        while (1 << newShift) * 4 < minimumLive * 5 { newShift += 1 }
        let oldKeys = keys, oldIDs = ids
        keys = []
        ids = []
        keys = Array(repeating: 0, count: 1 << newShift)
        ids = Array(repeating: Self.empty, count: 1 << newShift)
        shift = newShift
        live = 0
        occupied = 0
        for index in oldIDs.indices where oldIDs[index] != Self.empty && oldIDs[index] != Self.removed {
            store(oldKeys[index], oldIDs[index])
        }
    }

    var count: Int { live + wide.count }

    /// Sizes the slots for `minimumCapacity` entries, so loading a known number of keys never grows the table.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity * 5 > slotCount * 4 { rehash(minimumLive: max(minimumCapacity, live)) }
    }

    mutating func removeAll() {
        if live > 0 || occupied > 0 {
            for index in ids.indices { ids[index] = Self.empty }
        }
        live = 0
        occupied = 0
        wide.removeAll()
    }

    /// Bytes the slots occupy (12 each) plus the side dictionary's buckets (16 each, at most 3/4 full).
    var bytes: Int {
        var wideBuckets = wide.capacity > 0 ? 1 : 0
        while wideBuckets > 0 && wideBuckets * 3 / 4 < wide.capacity { wideBuckets *= 2 }
        return slotCount * 12 + wideBuckets * 16 + wideBuckets / 8
    }
}
