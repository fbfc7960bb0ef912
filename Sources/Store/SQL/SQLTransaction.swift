import Foundation

/// The store's logic, written once over `SQLConnection` for both backends; what differs by dialect is in the
/// backends' subclasses (`SQLiteTransaction`, `PostgresTransaction`): inserting items (SQLite decides duplicates
/// by the writer's in-memory keys, PostgreSQL by unique indexes, in bulk), locking a topic, and choosing the items
/// retention deletes. One instance lives for one transaction; counter changes are collected and written just before
/// commit (`flushCounters`), in a fixed order, so concurrent PostgreSQL transactions take the shared counter rows
/// last and in the same order.
class SQLTransaction: StoreTransaction {
    let connection: SQLConnection
    let storeName: String
    var itemCountDeltas: [Int64: Int64] = [:]
    var outboxDeltas: [OutboxStatKey: Int64] = [:]
    var counterDeltas: [String: Int64] = [:]

    struct OutboxStatKey: Hashable, Comparable {
        let sink: String
        let state: OutboxState
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.sink, lhs.state.rawValue) < (rhs.sink, rhs.state.rawValue)
        }
    }

    init(connection: SQLConnection, storeName: String) {
        self.connection = connection
        self.storeName = storeName
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

    func termStatistics(topic: String) throws -> Data? {
        try connection.queryOne("SELECT payload FROM term_statistics WHERE topic = ?", [.text(topic)])?.data(0)
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

    // MARK: What each dialect does its own way

    /// Stores items of one feed (see `StoreTransaction.insertItems`); `SQLiteTransaction` and
    /// `PostgresTransaction` decide duplicates their own way.
    func insertItems(feedID: Int64, _ items: [NewItem]) throws -> [ItemInsertion] {
        preconditionFailure("insertItems is the backend's (SQLiteTransaction, PostgresTransaction)")
    }

    /// Serialises judging of one topic across daemons (see `StoreTransaction.lockTopic`).
    func lockTopic(_ topic: String) throws {
        preconditionFailure("lockTopic is the backend's (SQLiteTransaction, PostgresTransaction)")
    }

    /// Retention: the items first seen before `cutoff`, as a subquery of their ids (with its parameters) and a
    /// query of their number per feed.
    func selectPrunedItems(before cutoff: SQLValue) throws -> PrunedItems {
        preconditionFailure("selectPrunedItems is the backend's (SQLiteTransaction, PostgresTransaction)")
    }

    /// Settle window (issue 17): whether a primary other than `except` holds one of these dedup keys (SQLite: the
    /// writer's in-memory keys; PostgreSQL: the unique indexes).
    func anotherPrimaryHolds(urlKey: Int64?, contentKey: Int64?, except: Int64) throws -> Bool {
        preconditionFailure("anotherPrimaryHolds is the backend's (SQLiteTransaction, PostgresTransaction)")
    }

    /// Settle window (issue 17): `newPrimary` has taken the place of `old` as primary (both rows updated); what
    /// goes with it (SQLite: `item_keys` and the in-memory keys).
    func primaryMoved(from old: Int64, keys oldKeys: (url: Int64?, content: Int64?), to newPrimary: Int64,
                      keys newKeys: (url: Int64?, content: Int64?)) throws {}

    /// Retention: what goes with the pruned items before they are deleted (SQLite: their in-memory keys).
    func willDeletePrunedItems(_ items: PrunedItems) throws {}

    /// Retention: clean-up after the pruned items are deleted.
    func didDeletePrunedItems() throws {}

    struct PrunedItems {
        /// `SELECT id FROM …`: the pruned items' ids.
        let ids: String
        let parameters: [SQLValue]
        /// `SELECT feed_id, count(*) …`: how many items each feed loses.
        let countsPerFeed: String
    }

    // MARK: Items, shared by both dialects

    static let insertItemSQL = """
        INSERT INTO items (feed_id, entry_id, title, link, canonical_url, published, first_seen, summary, content,
            fingerprint, url_key, content_key, duplicate_of)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """

    /// An item's canonical URL and fingerprint, as the item carries them (`NewItem.withDedupKeys` computes them),
    /// and their 64-bit index keys.
    struct DedupKeys {
        let canonicalURL: String?
        let fingerprint: String?
        let url: Int64?
        let content: Int64?

        init(_ item: NewItem) {
            canonicalURL = item.canonicalURL
            fingerprint = item.fingerprint
            url = canonicalURL.map(DedupKey.ofURL)
            content = fingerprint.map(DedupKey.of)
        }
    }

    static func itemValues(_ feedID: Int64, _ item: NewItem, _ keys: DedupKeys, _ duplicateOf: Int64?) -> [SQLValue] {
        [.integer(feedID), .text(item.entryID), .text(item.title), SQLValue(item.link), SQLValue(keys.canonicalURL),
         SQLValue(item.published), SQLValue(item.firstSeen), SQLValue(item.summary), SQLValue(item.content),
         SQLValue(keys.fingerprint), SQLValue(keys.url), SQLValue(keys.content),
         SQLValue(duplicateOf)]
    }

    /// The row of this feed's entry with this id (what an insert refused by the entry-id index met).
    func knownEntry(feedID: Int64, entryID: String) throws -> Int64? {
        try connection.queryOne("SELECT id FROM items WHERE feed_id = ? AND entry_id = ?",
                                [.integer(feedID), .text(entryID)])?.int64(0)
    }

    /// The row an insert conflicted with was gone by the time we looked (deleted or rolled back by another
    /// daemon between our statements): run the transaction again, as for a serialization failure.
    func conflictVanished() -> StoreError {
        .statementFailed(store: storeName, code: "40001", message: "item conflict could not be resolved; retrying",
                         sql: Self.insertItemSQL)
    }

    // MARK: Judging

    func recordMatches(_ matches: [TopicMatch]) throws {
        for match in matches {
            try connection.execute("""
                INSERT INTO matches (item_id, topic, event_id, verdict) VALUES (?, ?, ?, ?)
                ON CONFLICT (item_id, topic) DO UPDATE SET event_id = excluded.event_id, verdict = excluded.verdict
                """, [.integer(match.itemID), .text(match.topic), SQLValue(match.eventID), SQLValue(match.verdict)])
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

    func saveTermStatistics(topic: String, version: Int64, payload: Data) throws {
        let values: [SQLValue] = [.integer(version), .blob(payload), .text(topic)]
        let changed = try connection.execute("UPDATE term_statistics SET version = ?, payload = ? WHERE topic = ?", values)
        if changed == 0 {
            try connection.execute("INSERT INTO term_statistics (version, payload, topic) VALUES (?, ?, ?)", values)
        }
    }

    func addFact(eventID: String, sentence: String, fingerprint: String) throws {
        try connection.execute("""
            INSERT INTO facts (event_id, fingerprint, sentence) VALUES (?, ?, ?)
            ON CONFLICT (event_id, fingerprint) DO NOTHING
            """, [.text(eventID), .text(fingerprint), .text(sentence)])
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
