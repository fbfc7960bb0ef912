import Foundation

/// The store's logic, written once over `SQLConnection` for both backends. One instance lives for one
/// transaction; counter changes are collected and written just before commit (`flushCounters`), in a fixed
/// order, so concurrent PostgreSQL transactions take the shared counter rows last and in the same order.
final class SQLTransaction: StoreTransaction {
    let connection: SQLConnection
    let storeName: String
    private var itemCountDeltas: [Int64: Int64] = [:]
    private var outboxDeltas: [OutboxStatKey: Int64] = [:]
    private var counterDeltas: [String: Int64] = [:]

    struct OutboxStatKey: Hashable, Comparable {
        let sink: String
        let state: OutboxState
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.sink, lhs.state.rawValue) < (rhs.sink, rhs.state.rawValue)
        }
    }

    /// SQLite's writer passes its in-memory dedup keys; PostgreSQL (several daemons) decides by unique indexes.
    let itemKeys: ItemKeyIndex?

    init(connection: SQLConnection, storeName: String, itemKeys: ItemKeyIndex? = nil) {
        self.connection = connection
        self.storeName = storeName
        self.itemKeys = itemKeys
    }

    static let feedColumns = """
        id, configured_url, url, name, active, state, etag, last_modified, next_due, failures, last_error, \
        last_fetch, last_success, retired, item_count, lease_owner, lease_until, schedule_state
        """
    static let itemColumns = """
        id, feed_id, entry_id, title, link, canonical_url, published, first_seen, summary, content, html, \
        fingerprint, duplicate_of
        """
    static let eventColumns = "id, topic, title, first_seen, last_seen, article_count, closed, state"
    static let outboxColumns = """
        o.alert_id, o.sink, a.payload, o.state, o.attempts, o.next_attempt, o.last_error, o.created, \
        o.lease_owner, o.lease_until, o.delivered_at
        """

    static func feed(_ row: SQLRow) -> FeedRecord {
        FeedRecord(id: row.int64(0) ?? 0, configuredURL: row.string(1) ?? "", url: row.string(2) ?? "",
                   name: row.string(3), active: row.bool(4), state: FeedState(rawValue: row.string(5) ?? "") ?? .new,
                   etag: row.string(6), lastModified: row.string(7), nextDue: row.date(8),
                   consecutiveFailures: row.int(9), lastError: row.string(10), lastFetch: row.date(11),
                   lastSuccess: row.date(12), retired: row.bool(13), itemCount: row.int64(14) ?? 0,
                   leaseOwner: row.string(15), leaseUntil: row.date(16), scheduleState: row.string(17))
    }

    static func item(_ row: SQLRow) -> ItemRecord {
        ItemRecord(id: row.int64(0) ?? 0, feedID: row.int64(1) ?? 0, entryID: row.string(2) ?? "",
                   title: row.string(3) ?? "", link: row.string(4), canonicalURL: row.string(5),
                   published: row.date(6), firstSeen: row.date(7) ?? Date(timeIntervalSince1970: 0),
                   summary: row.string(8), content: row.string(9), html: row.string(10),
                   fingerprint: row.string(11), duplicateOf: row.int64(12))
    }

    static func event(_ row: SQLRow) -> EventRecord {
        EventRecord(id: row.string(0) ?? "", topic: row.string(1) ?? "", title: row.string(2) ?? "",
                    firstSeen: row.date(3) ?? Date(timeIntervalSince1970: 0),
                    lastSeen: row.date(4) ?? Date(timeIntervalSince1970: 0), articleCount: row.int(5),
                    closed: row.bool(6), state: row.data(7))
    }

    static func outbox(_ row: SQLRow) -> OutboxAlert {
        OutboxAlert(alertID: row.string(0) ?? "", sink: row.string(1) ?? "", payload: row.string(2) ?? "",
                    state: OutboxState(rawValue: row.string(3) ?? "") ?? .pending, attempts: row.int(4),
                    nextAttempt: row.date(5) ?? Date(timeIntervalSince1970: 0), lastError: row.string(6),
                    created: row.date(7) ?? Date(timeIntervalSince1970: 0), leaseOwner: row.string(8),
                    leaseUntil: row.date(9), deliveredAt: row.date(10))
    }

    // MARK: StoreReader

    func feeds() throws -> [FeedRecord] {
        try connection.query("SELECT \(Self.feedColumns) FROM feeds ORDER BY id", []).map(Self.feed)
    }

    func feed(id: Int64) throws -> FeedRecord? {
        try connection.queryOne("SELECT \(Self.feedColumns) FROM feeds WHERE id = ?", [.integer(id)]).map(Self.feed)
    }

    func feed(configuredURL: String) throws -> FeedRecord? {
        try connection.queryOne("SELECT \(Self.feedColumns) FROM feeds WHERE configured_url = ?",
                                [.text(configuredURL)]).map(Self.feed)
    }

    func item(id: Int64) throws -> ItemRecord? {
        try connection.queryOne("SELECT \(Self.itemColumns) FROM items WHERE id = ?", [.integer(id)]).map(Self.item)
    }

    func items(feedID: Int64, limit: Int) throws -> [ItemRecord] {
        try connection.query("SELECT \(Self.itemColumns) FROM items WHERE feed_id = ? ORDER BY first_seen DESC, id DESC LIMIT ?",
                             [.integer(feedID), SQLValue(limit)]).map(Self.item)
    }

    func matches(itemID: Int64) throws -> [TopicMatch] {
        try connection.query("SELECT item_id, topic, event_id, verdict FROM matches WHERE item_id = ? ORDER BY topic",
                             [.integer(itemID)]).map {
            TopicMatch(itemID: $0.int64(0) ?? 0, topic: $0.string(1) ?? "", eventID: $0.string(2), verdict: $0.string(3))
        }
    }

    func event(id: String) throws -> EventRecord? {
        try connection.queryOne("SELECT \(Self.eventColumns) FROM events WHERE id = ?", [.text(id)]).map(Self.event)
    }

    func openEvents(topic: String) throws -> [EventRecord] {
        try connection.query("SELECT \(Self.eventColumns) FROM events WHERE topic = ? AND closed = 0 ORDER BY first_seen, id",
                             [.text(topic)]).map(Self.event)
    }

    func facts(eventID: String) throws -> [FactRecord] {
        try connection.query("SELECT event_id, sentence, fingerprint FROM facts WHERE event_id = ? ORDER BY fingerprint",
                             [.text(eventID)]).map {
            FactRecord(eventID: $0.string(0) ?? "", sentence: $0.string(1) ?? "", fingerprint: $0.string(2) ?? "")
        }
    }

    func termStatisticsVersion(topic: String) throws -> Int64? {
        try connection.queryOne("SELECT version FROM term_statistics WHERE topic = ?", [.text(topic)])?.int64(0)
    }

    func termStatistics(topic: String) throws -> TermStatisticsRecord? {
        try connection.queryOne("SELECT version, payload FROM term_statistics WHERE topic = ?", [.text(topic)]).map {
            TermStatisticsRecord(topic: topic, version: $0.int64(0) ?? 0, payload: $0.data(1))
        }
    }

    func outbox(alertID: String) throws -> [OutboxAlert] {
        try connection.query("SELECT \(Self.outboxColumns) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE o.alert_id = ? ORDER BY o.sink",
                             [.text(alertID)]).map(Self.outbox)
    }

    func alertExists(id: String) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM alerts WHERE id = ?", [.text(id)]) != nil
    }

    func alerts(createdFrom start: Date, until end: Date, limit: Int) throws -> [RecentAlert] {
        // Digest messages share the alerts table (so the outbox delivers them); they are not alerts.
        try connection.query("""
            SELECT id, created, payload FROM alerts WHERE created >= ? AND created < ? AND id NOT LIKE 'digest:%'
            ORDER BY created, id LIMIT ?
            """, [SQLValue(start), SQLValue(end), SQLValue(max(0, limit))]).map {
            RecentAlert(id: $0.string(0) ?? "", created: $0.date(1) ?? Date(timeIntervalSince1970: 0), payload: $0.string(2) ?? "")
        }
    }

    // MARK: StoreTransaction

    func updateFeed(id: Int64, _ update: FeedFetchUpdate) throws {
        let changed = try connection.execute("""
            UPDATE feeds SET state = ?, etag = ?, last_modified = ?, next_due = ?, failures = ?, last_error = ?,
                last_fetch = ?, last_success = ?, retired = ?, url = COALESCE(?, url), schedule_state = ?,
                lease_owner = NULL, lease_until = NULL
            WHERE id = ?
            """, [.text(update.retired ? FeedState.retired.rawValue : update.state.rawValue), SQLValue(update.etag),
                  SQLValue(update.lastModified), SQLValue(update.nextDue), SQLValue(update.consecutiveFailures),
                  SQLValue(update.lastError), SQLValue(update.lastFetch), SQLValue(update.lastSuccess),
                  SQLValue(update.retired), SQLValue(update.permanentURL),
                  SQLValue(update.scheduleState), .integer(id)])
        guard changed > 0 else { throw StoreError.notFound(store: storeName, what: "feed \(id)") }
    }

    private static let insertItemSQL = """
        INSERT INTO items (feed_id, entry_id, title, link, canonical_url, published, first_seen, summary, content,
            html, fingerprint, url_key, content_key, duplicate_of)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """

    func insertItems(feedID: Int64, _ items: [NewItem]) throws -> [ItemInsertion] {
        if let itemKeys { return try insertItems(feedID: feedID, items, keys: itemKeys) }
        let keys = items.map(DedupKeys.init)
        var insertions: [ItemInsertion?]
        if connection.dialect == .postgres {
            insertions = try insertNewItemsInBulk(feedID: feedID, items, keys)
        } else {
            insertions = Array(repeating: nil, count: items.count)
        }
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
        if let existing = try connection.queryOne("SELECT id FROM items WHERE feed_id = ? AND entry_id = ?",
                                                  [.integer(feedID), .text(item.entryID)])?.int64(0) {
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
            values.reserveCapacity(chunk.count * 14)
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
            html, fingerprint, url_key, content_key, duplicate_of)
        VALUES \(placeholders(rows, 14)) ON CONFLICT DO NOTHING
        """
    }

    /// SQLite: cross-feed duplicates are decided by the writer's in-memory keys (refreshed under the write lock),
    /// so the item INSERT only meets the per-feed entry-id index; a new primary's keys go to `item_keys`.
    private func insertItems(feedID: Int64, _ items: [NewItem], keys itemKeys: ItemKeyIndex) throws -> [ItemInsertion] {
        guard let sqlite = connection as? SQLiteConnection else {
            throw StoreError.statementFailed(store: storeName, code: "internal", message: "in-memory dedup keys need SQLite",
                                             sql: Self.insertItemSQL)
        }
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
            try insert.bind(12, keys.url)
            try insert.bind(13, keys.content)
            try insert.bind(14, duplicateOf)
            guard let id = try insert.insert(texts: [
                (2, item.entryID), (3, item.title), (4, item.link), (5, keys.canonicalURL), (8, item.summary),
                (9, item.content), (10, item.html), (11, keys.fingerprint),
            ]) else {
                // Only the entry-id index can refuse the row: this feed already has the entry.
                guard let existing = try connection.queryOne("SELECT id FROM items WHERE feed_id = ? AND entry_id = ?",
                                                             [.integer(feedID), .text(item.entryID)])?.int64(0)
                else { throw conflictVanished() }
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

    /// An item's canonical URL and fingerprint and their 64-bit index keys.
    private struct DedupKeys {
        let canonicalURL: String?
        let fingerprint: String?
        let url: Int64?
        let content: Int64?

        init(_ item: NewItem) {
            canonicalURL = item.canonicalURL ?? item.link.flatMap(CanonicalURL.canonicalize)
            fingerprint = item.fingerprint ?? ContentFingerprint.of(item)
            url = canonicalURL.map(DedupKey.ofURL)
            content = fingerprint.map(DedupKey.of)
        }
    }

    private static func itemValues(_ feedID: Int64, _ item: NewItem, _ keys: DedupKeys, _ duplicateOf: Int64?) -> [SQLValue] {
        [.integer(feedID), .text(item.entryID), .text(item.title), SQLValue(item.link), SQLValue(keys.canonicalURL),
         SQLValue(item.published), SQLValue(item.firstSeen), SQLValue(item.summary), SQLValue(item.content),
         SQLValue(item.html), SQLValue(keys.fingerprint), SQLValue(keys.url), SQLValue(keys.content),
         SQLValue(duplicateOf)]
    }

    /// The row an insert conflicted with was gone by the time we looked (deleted or rolled back by another
    /// daemon between our statements): run the transaction again, as for a serialization failure.
    private func conflictVanished() -> StoreError {
        .statementFailed(store: storeName, code: "40001", message: "item conflict could not be resolved; retrying",
                         sql: Self.insertItemSQL)
    }

    func recordMatches(_ matches: [TopicMatch]) throws {
        for match in matches {
            try connection.execute("""
                INSERT INTO matches (item_id, topic, event_id, verdict) VALUES (?, ?, ?, ?)
                ON CONFLICT (item_id, topic) DO UPDATE SET event_id = excluded.event_id, verdict = excluded.verdict
                """, [.integer(match.itemID), .text(match.topic), SQLValue(match.eventID), SQLValue(match.verdict)])
        }
    }

    func lockTopic(_ topic: String) throws {
        switch connection.dialect {
        case .sqlite:
            return  // BEGIN IMMEDIATE already made this the only writer.
        case .postgres:
            // Two-key form: its own key space, apart from the one-key migration lock.
            _ = try connection.query("SELECT pg_advisory_xact_lock(7427, hashtext(?))", [.text(topic)])
        }
    }

    func saveEvent(_ event: EventRecord) throws {
        let values: [SQLValue] = [.text(event.topic), .text(event.title), SQLValue(event.firstSeen),
                                  SQLValue(event.lastSeen), SQLValue(event.articleCount), SQLValue(event.closed),
                                  .blob(event.state), .text(event.id)]
        // Closing time is wall-clock and set once (retention keeps a closed event for its period after this).
        let now = Date()
        let closedAt: SQLValue = event.closed ? SQLValue(now) : .null
        let changed = try connection.execute("""
            UPDATE events SET topic = ?, title = ?, first_seen = ?, last_seen = ?, article_count = ?, closed = ?,
                state = ?, closed_at = COALESCE(closed_at, ?) WHERE id = ?
            """, Array(values.dropLast()) + [closedAt, .text(event.id)])
        if changed == 0 {
            try connection.execute("""
                INSERT INTO events (topic, title, first_seen, last_seen, article_count, closed, state, id, closed_at,
                    updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values + [closedAt, SQLValue(now)])
            counterDeltas["events", default: 0] += 1
        }
    }

    func saveTermStatistics(_ record: TermStatisticsRecord) throws {
        let values: [SQLValue] = [.integer(record.version), .blob(record.payload), .text(record.topic)]
        let changed = try connection.execute("UPDATE term_statistics SET version = ?, payload = ? WHERE topic = ?", values)
        if changed == 0 {
            try connection.execute("INSERT INTO term_statistics (version, payload, topic) VALUES (?, ?, ?)", values)
        }
    }

    func addFacts(_ facts: [FactRecord]) throws {
        for fact in facts {
            try connection.execute("""
                INSERT INTO facts (event_id, fingerprint, sentence) VALUES (?, ?, ?)
                ON CONFLICT (event_id, fingerprint) DO NOTHING
                """, [.text(fact.eventID), .text(fact.fingerprint), .text(fact.sentence)])
        }
    }

    @discardableResult
    func enqueueAlert(id: String, created: Date, sinks: [String], payload: String) throws -> [String] {
        try connection.execute("INSERT INTO alerts (id, created, payload) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                               [.text(id), SQLValue(created), .text(payload)])
        var newlyOwed: [String] = []
        for sink in Set(sinks).sorted() {
            let inserted = try connection.queryOne("""
                INSERT INTO outbox (alert_id, sink, state, attempts, next_attempt, created)
                VALUES (?, ?, 'pending', 0, ?, ?) ON CONFLICT (alert_id, sink) DO NOTHING RETURNING id
                """, [.text(id), .text(sink), SQLValue(created), SQLValue(created)])
            if inserted != nil {
                newlyOwed.append(sink)
                outboxDeltas[OutboxStatKey(sink: sink, state: .pending), default: 0] += 1
            }
        }
        return newlyOwed
    }

    // MARK: Store-level operations (run inside a write transaction by the backends)

    func syncFeeds(_ specs: [FeedSpec], now: Date) throws {
        var wanted: [String: FeedSpec] = [:]
        var order: [String] = []
        for spec in specs where wanted[spec.url] == nil {
            wanted[spec.url] = spec
            order.append(spec.url)
        }
        let existing = try connection.query("SELECT id, configured_url, name, active FROM feeds", [])
        var known: Set<String> = []
        for row in existing {
            let url = row.string(1) ?? ""
            known.insert(url)
            if let spec = wanted[url] {
                if !row.bool(3) || row.string(2) != spec.name {
                    try connection.execute("UPDATE feeds SET active = 1, name = ? WHERE id = ?",
                                           [SQLValue(spec.name), .integer(row.int64(0) ?? 0)])
                }
            } else if row.bool(3) {
                try connection.execute("UPDATE feeds SET active = 0, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                                       [.integer(row.int64(0) ?? 0)])
            }
        }
        for url in order where !known.contains(url) {
            try connection.execute("""
                INSERT INTO feeds (configured_url, url, name, active, state, next_due, added)
                VALUES (?, ?, ?, 1, 'new', ?, ?)
                """, [.text(url), .text(url), SQLValue(wanted[url]?.name), SQLValue(now), SQLValue(now)])
        }
    }

    func leaseDueFeeds(now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [FeedRecord] {
        guard limit > 0 else { return [] }
        let rows = try connection.query("""
            UPDATE feeds SET lease_owner = ?, lease_until = ?
            WHERE id IN (
                SELECT id FROM feeds
                WHERE active = 1 AND retired = 0 AND next_due <= ? AND (lease_until IS NULL OR lease_until < ?)
                ORDER BY next_due, id LIMIT ? \(connection.dialect.skipLockedClause))
            RETURNING \(Self.feedColumns)
            """, [.text(owner), SQLValue(now.addingTimeInterval(leaseFor)), SQLValue(now), SQLValue(now), SQLValue(limit)])
        return rows.map(Self.feed).sorted { ($0.nextDue ?? .distantPast, $0.id) < ($1.nextDue ?? .distantPast, $1.id) }
    }

    func releaseFeedLease(feedID: Int64, owner: String) throws {
        try connection.execute("UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                               [.integer(feedID), .text(owner)])
    }

    func claimAlerts(sink: String, now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [OutboxAlert] {
        guard limit > 0 else { return [] }
        let candidates = try connection.query("""
            SELECT id, state FROM outbox
            WHERE sink = ? AND state IN ('pending', 'delivering')
              AND ((state = 'pending' AND next_attempt <= ?) OR (state = 'delivering' AND lease_until < ?))
            ORDER BY next_attempt, id LIMIT ? \(connection.dialect.skipLockedClause)
            """, [.text(sink), SQLValue(now), SQLValue(now), SQLValue(limit)])
        var claimed: [OutboxAlert] = []
        for candidate in candidates {
            let rowID = candidate.int64(0) ?? 0
            try connection.execute("""
                UPDATE outbox SET state = 'delivering', lease_owner = ?, lease_until = ?, attempts = attempts + 1
                WHERE id = ?
                """, [.text(owner), SQLValue(now.addingTimeInterval(leaseFor)), .integer(rowID)])
            if candidate.string(1) == OutboxState.pending.rawValue {
                outboxDeltas[OutboxStatKey(sink: sink, state: .pending), default: 0] -= 1
                outboxDeltas[OutboxStatKey(sink: sink, state: .delivering), default: 0] += 1
            }
            if let row = try connection.queryOne(
                "SELECT \(Self.outboxColumns) FROM outbox o JOIN alerts a ON a.id = o.alert_id WHERE o.id = ?",
                [.integer(rowID)]) {
                claimed.append(Self.outbox(row))
            }
        }
        return claimed
    }

    func markDelivered(alertID: String, sink: String, owner: String, now: Date) throws -> Bool {
        let changed = try connection.execute("""
            UPDATE outbox SET state = 'delivered', delivered_at = ?, last_error = NULL, lease_owner = NULL,
                lease_until = NULL
            WHERE alert_id = ? AND sink = ? AND state = 'delivering' AND lease_owner = ?
            """, [SQLValue(now), .text(alertID), .text(sink), .text(owner)])
        guard changed > 0 else { return false }
        outboxDeltas[OutboxStatKey(sink: sink, state: .delivering), default: 0] -= 1
        outboxDeltas[OutboxStatKey(sink: sink, state: .delivered), default: 0] += 1
        return true
    }

    func markFailed(alertID: String, sink: String, owner: String, error: String, nextAttempt: Date?, now: Date) throws -> Bool {
        let newState: OutboxState = nextAttempt == nil ? .failed : .pending
        let changed = try connection.execute("""
            UPDATE outbox SET state = ?, last_error = ?, next_attempt = ?, lease_owner = NULL, lease_until = NULL
            WHERE alert_id = ? AND sink = ? AND state = 'delivering' AND lease_owner = ?
            """, [.text(newState.rawValue), .text(error), SQLValue(nextAttempt ?? now), .text(alertID), .text(sink),
                  .text(owner)])
        guard changed > 0 else { return false }
        outboxDeltas[OutboxStatKey(sink: sink, state: .delivering), default: 0] -= 1
        outboxDeltas[OutboxStatKey(sink: sink, state: newState), default: 0] += 1
        return true
    }

    func heartbeat(daemonID: String, pid: Int, host: String, started: Date, now: Date) throws {
        try connection.execute("""
            INSERT INTO heartbeats (daemon_id, pid, host, started, last_beat) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (daemon_id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
                started = excluded.started, last_beat = excluded.last_beat
            """, [.text(daemonID), SQLValue(pid), .text(host), SQLValue(started), SQLValue(now)])
    }

    func status(now: Date, recentAlerts: Int, schemaVersion: Int) throws -> StoreStatus {
        let feeds = try feeds()
        var items: Int64 = 0
        for feed in feeds { items += feed.itemCount }
        let events = try connection.queryOne("SELECT value FROM counters WHERE name = 'events'", [])?.int64(0) ?? 0
        let eventCounts = try eventCounts()
        var bySink = try outboxCountsBySink()
        // Reads only the undelivered backlog, through the partial index.
        var retryErrors: [String: String] = [:]
        for row in try connection.query("""
            SELECT sink, count(*), max(last_error) FROM outbox WHERE state IN ('pending', 'delivering') AND attempts > 0
            GROUP BY sink
            """, []) {
            bySink[row.string(0) ?? "", default: AlertCounts()].retrying = row.int64(1) ?? 0
            if let error = row.string(2) { retryErrors[row.string(0) ?? ""] = error }
        }
        var total = AlertCounts()
        let sinks = bySink.keys.sorted().map { SinkAlertCounts(sink: $0, counts: bySink[$0]!, retryError: retryErrors[$0]) }
        for sink in sinks {
            total.pending += sink.counts.pending
            total.delivering += sink.counts.delivering
            total.delivered += sink.counts.delivered
            total.failed += sink.counts.failed
            total.retrying += sink.counts.retrying
        }
        let recent = try connection.query("""
            SELECT id, created, payload FROM alerts WHERE id NOT LIKE 'digest:%' ORDER BY created DESC, id DESC LIMIT ?
            """,
                                          [SQLValue(max(0, recentAlerts))]).map {
            RecentAlert(id: $0.string(0) ?? "", created: $0.date(1) ?? Date(timeIntervalSince1970: 0),
                        payload: $0.string(2) ?? "")
        }
        let heartbeats = try connection.query(
            "SELECT daemon_id, pid, host, started, last_beat FROM heartbeats ORDER BY last_beat DESC", []).map {
            HeartbeatRecord(daemonID: $0.string(0) ?? "", pid: $0.int(1), host: $0.string(2) ?? "",
                            started: $0.date(3) ?? Date(timeIntervalSince1970: 0),
                            lastBeat: $0.date(4) ?? Date(timeIntervalSince1970: 0))
        }
        return StoreStatus(store: storeName, schemaVersion: schemaVersion, feeds: feeds,
                           totals: StoreTotals(feeds: feeds.count, activeFeeds: feeds.filter(\.active).count,
                                               items: items, events: events, openEvents: eventCounts.open,
                                               closedEvents: eventCounts.closed),
                           alerts: total, alertsBySink: sinks, recentAlerts: recent, heartbeats: heartbeats)
    }

    /// Per sink, from the writers' counters (never counting the outbox itself).
    func outboxCountsBySink() throws -> [String: AlertCounts] {
        var bySink: [String: AlertCounts] = [:]
        for row in try connection.query("SELECT sink, state, n FROM outbox_stats", []) {
            let sink = row.string(0) ?? ""
            let count = row.int64(2) ?? 0
            var counts = bySink[sink] ?? AlertCounts()
            switch OutboxState(rawValue: row.string(1) ?? "") {
            case .pending: counts.pending += count
            case .delivering: counts.delivering += count
            case .delivered: counts.delivered += count
            case .failed: counts.failed += count
            case nil: break
            }
            bySink[sink] = counts
        }
        return bySink
    }

    func prune(olderThan cutoff: Date, dropClosedEventsBefore: Date?) throws -> PruneReport {
        var report = PruneReport()
        let cut = SQLValue(cutoff)
        // Which items go: through the first-seen index on PostgreSQL; on SQLite (no such index, schema 4) by one
        // scan of the items into a temporary table, whose ids the deletes then look up by rowid.
        let doomed: String, parameters: [SQLValue], countsPerFeed: String
        switch connection.dialect {
        case .postgres:
            doomed = "SELECT id FROM items WHERE first_seen < ?"
            parameters = [cut]
            countsPerFeed = "SELECT feed_id, count(*) FROM items WHERE first_seen < ? GROUP BY feed_id"
        case .sqlite:
            try connection.executeScript("""
                CREATE TEMP TABLE IF NOT EXISTS pruned_items (id INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL);
                DELETE FROM pruned_items;
                """)
            try connection.execute("INSERT INTO pruned_items (id, feed_id) SELECT id, feed_id FROM items WHERE first_seen < ?", [cut])
            doomed = "SELECT id FROM pruned_items"
            parameters = []
            countsPerFeed = "SELECT feed_id, count(*) FROM pruned_items GROUP BY feed_id"
        }
        for row in try connection.query(countsPerFeed, parameters) {
            itemCountDeltas[row.int64(0) ?? 0, default: 0] -= row.int64(1) ?? 0
        }
        report.matchesDeleted = Int64(try connection.execute("DELETE FROM matches WHERE item_id IN (\(doomed))", parameters))
        if let itemKeys {
            try connection.execute("DELETE FROM item_keys WHERE item_id IN (\(doomed))", parameters)
            // Other processes' maps (and ours) reload in full: pruned rowids may be handed out again.
            try connection.execute("UPDATE counters SET value = value + 1 WHERE name = 'dedup_generation'", [])
            itemKeys.invalidate()
        }
        report.itemsDeleted = Int64(try connection.execute("DELETE FROM items WHERE id IN (\(doomed))", parameters))
        if connection.dialect == .sqlite { try connection.executeScript("DELETE FROM pruned_items") }
        report.eventsClosed = Int64(try connection.execute(
            "UPDATE events SET closed = 1, closed_at = ? WHERE closed = 0 AND last_seen < ?", [SQLValue(Date()), cut]))
        if let dropBefore = dropClosedEventsBefore {
            // By closing time: an event stays for the retention period after it closed, with its timeline.
            let drop = SQLValue(dropBefore)
            let doomedEvents = "SELECT id FROM events WHERE closed = 1 AND closed_at < ?"
            report.factsDeleted = Int64(try connection.execute(
                "DELETE FROM facts WHERE event_id IN (\(doomedEvents))", [drop]))
            try connection.execute("DELETE FROM event_articles WHERE event_id IN (\(doomedEvents))", [drop])
            report.eventsDeleted = Int64(try connection.execute(
                "DELETE FROM events WHERE closed = 1 AND closed_at < ?", [drop]))
            counterDeltas["events", default: 0] -= report.eventsDeleted
        }
        for row in try connection.query("""
            SELECT sink, state, count(*) FROM outbox WHERE created < ? AND state IN ('delivered', 'failed')
            GROUP BY sink, state
            """, [cut]) {
            if let state = OutboxState(rawValue: row.string(1) ?? "") {
                outboxDeltas[OutboxStatKey(sink: row.string(0) ?? "", state: state), default: 0] -= row.int64(2) ?? 0
            }
        }
        report.outboxRowsDeleted = Int64(try connection.execute(
            "DELETE FROM outbox WHERE created < ? AND state IN ('delivered', 'failed')", [cut]))
        report.alertsDeleted = Int64(try connection.execute("""
            DELETE FROM alerts WHERE created < ? AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.alert_id = alerts.id)
            """, [cut]))
        return report
    }

    /// Writes the collected counter changes; called by the backend right before COMMIT.
    func flushCounters() throws {
        for feedID in itemCountDeltas.keys.sorted() where itemCountDeltas[feedID] != 0 {
            try connection.execute("UPDATE feeds SET item_count = item_count + ? WHERE id = ?",
                                   [.integer(itemCountDeltas[feedID]!), .integer(feedID)])
        }
        for key in outboxDeltas.keys.sorted() where outboxDeltas[key] != 0 {
            try connection.execute("""
                INSERT INTO outbox_stats (sink, state, n) VALUES (?, ?, ?)
                ON CONFLICT (sink, state) DO UPDATE SET n = outbox_stats.n + excluded.n
                """, [.text(key.sink), .text(key.state.rawValue), .integer(outboxDeltas[key]!)])
        }
        for name in counterDeltas.keys.sorted() where counterDeltas[name] != 0 {
            try connection.execute("UPDATE counters SET value = value + ? WHERE name = ?",
                                   [.integer(counterDeltas[name]!), .text(name)])
        }
        itemCountDeltas.removeAll()
        outboxDeltas.removeAll()
        counterDeltas.removeAll()
    }
}
