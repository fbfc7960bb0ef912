import Foundation

/// Column lists and row decoders shared by every query of the store's main tables.
extension SQLTransaction {
    static let feedColumns = """
        id, configured_url, url, name, active, state, etag, last_modified, next_due, failures, last_error, \
        last_fetch, last_success, retired, item_count, lease_owner, lease_until, schedule_state
        """
    static let itemColumns = """
        id, feed_id, entry_id, title, link, canonical_url, published, first_seen, summary, content, \
        fingerprint, duplicate_of
        """
    static let eventColumns = "id, topic, title, first_seen, last_seen, article_count, closed, state"
    static let outboxColumns = """
        o.alert_id, o.sink, a.payload, o.state, o.attempts, o.next_attempt, o.last_error, o.created, \
        o.lease_owner, o.lease_until, o.delivered_at
        """

    static func feed(_ row: SQLRow) -> FeedRecord {
        FeedRecord(id: row.int64(0) ?? 0, configuredURL: row.string(1) ?? "", url: row.string(2) ?? "",
                   name: row.string(3), active: row.bool(4),
                   fetch: FeedFetchState(state: FeedState(rawValue: row.string(5) ?? "") ?? .new, etag: row.string(6),
                                         lastModified: row.string(7), nextDue: row.date(8),
                                         consecutiveFailures: row.int(9), lastError: row.string(10),
                                         lastFetch: row.date(11), lastSuccess: row.date(12), retired: row.bool(13),
                                         scheduleState: row.string(17)),
                   itemCount: row.int64(14) ?? 0, leaseOwner: row.string(15), leaseUntil: row.date(16))
    }

    static func item(_ row: SQLRow) -> ItemRecord {
        ItemRecord(id: row.int64(0) ?? 0, feedID: row.int64(1) ?? 0,
                   item: NewItem(entryID: row.string(2) ?? "", title: row.string(3) ?? "", link: row.string(4),
                                 canonicalURL: row.string(5), published: row.date(6),
                                 firstSeen: row.date(7) ?? Date(timeIntervalSince1970: 0), summary: row.string(8),
                                 content: row.string(9), fingerprint: row.string(10)),
                   duplicateOf: row.int64(11))
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
}
