import Foundation

/// Feed rows: following the configuration, leasing due feeds, giving leases back.
extension SQLTransaction {
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
}
