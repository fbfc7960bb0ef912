import Foundation

/// Event timelines: listing events, an event's articles, the newest alerts, and items page by page (for
/// `tidings try`). Reads go through indexes (`events_updated`, `events_topic_updated`, the primary keys).
extension SQLTransaction {
    static let eventSummaryColumns = "id, topic, title, first_seen, last_seen, updated, article_count, closed, closed_at"
    static let eventArticleColumns = """
        event_id, seq, item_id, title, url, feed, feed_name, published, seen, verdict, new_facts
        """

    static func eventSummary(_ row: SQLRow) -> EventSummary {
        let lastSeen = row.date(4) ?? Date(timeIntervalSince1970: 0)
        return EventSummary(id: row.string(0) ?? "", topic: row.string(1) ?? "", title: row.string(2) ?? "",
                            firstSeen: row.date(3) ?? Date(timeIntervalSince1970: 0), lastSeen: lastSeen,
                            updated: row.date(5) ?? lastSeen, articleCount: row.int(6), closed: row.bool(7),
                            closedAt: row.date(8))
    }

    static func eventArticle(_ row: SQLRow) -> EventArticleRecord {
        let facts = (try? JSONDecoder().decode([String].self, from: Data((row.string(10) ?? "[]").utf8))) ?? []
        return EventArticleRecord(eventID: row.string(0) ?? "", sequence: row.int(1), itemID: row.int64(2) ?? 0,
                                  article: ArticleListing(title: row.string(3) ?? "", url: row.string(4),
                                                          feed: row.string(5) ?? "", feedName: row.string(6),
                                                          published: row.date(7),
                                                          seen: row.date(8) ?? Date(timeIntervalSince1970: 0)),
                                  verdict: row.string(9) ?? "", newFacts: facts)
    }

    func events(_ query: EventQuery) throws -> [EventSummary] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let topic = query.topic {
            conditions.append("topic = ?")
            parameters.append(.text(topic))
        }
        if let since = query.since {
            conditions.append("updated >= ?")
            parameters.append(SQLValue(since))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters.append(SQLValue(max(0, query.limit)))
        return try connection.query(
            "SELECT \(Self.eventSummaryColumns) FROM events \(filter) ORDER BY updated DESC, id LIMIT ?", parameters)
            .map(Self.eventSummary)
    }

    func eventSummary(id: String) throws -> EventSummary? {
        try connection.queryOne("SELECT \(Self.eventSummaryColumns) FROM events WHERE id = ?", [.text(id)])
            .map(Self.eventSummary)
    }

    func eventArticles(eventID: String) throws -> [EventArticleRecord] {
        // Publication order (arrival when a time is missing): a source published before the event's first article
        // but fetched after it was judged (a late feed) is listed first, as the earlier source it is (issue 17).
        try connection.query("SELECT \(Self.eventArticleColumns) FROM event_articles WHERE event_id = ? ORDER BY COALESCE(published, seen), seq",
                             [.text(eventID)]).map(Self.eventArticle)
    }

    func recentAlerts(limit: Int) throws -> [RecentAlert] {
        // Digest messages (ids `digest:…`) are outbox entries, not alerts: the Atom feeds list alerts only.
        try connection.query("SELECT id, created, payload FROM alerts WHERE id NOT LIKE 'digest:%' ORDER BY created DESC, id DESC LIMIT ?",
                             [SQLValue(max(0, limit))]).map {
            RecentAlert(id: $0.string(0) ?? "", created: $0.date(1) ?? Date(timeIntervalSince1970: 0),
                        payload: $0.string(2) ?? "")
        }
    }

    func items(beforeID: Int64?, limit: Int) throws -> [ItemRecord] {
        try connection.query("SELECT \(Self.itemColumns) FROM items WHERE id < ? ORDER BY id DESC LIMIT ?",
                             [.integer(beforeID ?? Int64.max), SQLValue(max(0, limit))]).map(Self.item)
    }

    func appendEventArticle(_ article: EventArticleRecord, now: Date) throws {
        // The topic lock (PostgreSQL) or the single writer (SQLite) makes the next sequence number ours alone.
        let next = (try connection.queryOne("SELECT MAX(seq) FROM event_articles WHERE event_id = ?",
                                            [.text(article.eventID)])?.int64(0) ?? 0) + 1
        let facts = String(decoding: try JSONEncoder().encode(article.newFacts), as: UTF8.self)
        try connection.execute("""
            INSERT INTO event_articles (event_id, seq, item_id, title, url, feed, feed_name, published, seen, verdict,
                new_facts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(article.eventID), .integer(next), .integer(article.itemID), .text(article.title),
                  SQLValue(article.url), .text(article.feed), SQLValue(article.feedName), SQLValue(article.published),
                  SQLValue(article.seen), .text(article.verdict), .text(facts)])
        try connection.execute("UPDATE events SET updated = ? WHERE id = ?", [SQLValue(now), .text(article.eventID)])
    }

    func summary() throws -> StoreSummary {
        var states: [FeedState: Int] = [:]
        for row in try connection.query("SELECT state, count(*) FROM feeds WHERE active = 1 GROUP BY state", []) {
            if let state = FeedState(rawValue: row.string(0) ?? "") { states[state, default: 0] += row.int(1) }
        }
        let events = try eventCounts()
        let bySink = try outboxCountsBySink()
        return StoreSummary(feedStates: states, openEvents: events.open, closedEvents: events.closed,
                            alertsBySink: bySink.keys.sorted().map { SinkAlertCounts(sink: $0, counts: bySink[$0]!) })
    }

    func troubledFeeds(limit: Int) throws -> [FeedRecord] {
        try connection.query("""
            SELECT \(Self.feedColumns) FROM feeds WHERE active = 1 AND state IN ('failing', 'backing_off')
            ORDER BY id LIMIT ?
            """, [SQLValue(max(0, limit))]).map(Self.feed)
    }

    /// Open and closed events, counted through the (closed, last_seen) index.
    func eventCounts() throws -> (open: Int64, closed: Int64) {
        var open: Int64 = 0, closed: Int64 = 0
        for row in try connection.query("SELECT closed, count(*) FROM events GROUP BY closed", []) {
            if row.bool(0) { closed += row.int64(1) ?? 0 } else { open += row.int64(1) ?? 0 }
        }
        return (open, closed)
    }
}
