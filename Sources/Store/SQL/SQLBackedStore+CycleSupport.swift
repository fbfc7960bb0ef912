import Foundation

/// A feed's lease, without the rest of its row.
public struct FeedLease: Sendable, Equatable {
    public var feedID: Int64
    public var owner: String
    public var until: Date?
}

/// What a poll cycle over thousands of feeds needs without reading every feed row into memory.
extension SQLBackedStore {
    public func makeFeedsDue(now: Date) throws -> Int {
        try inWriteTransaction { transaction in
            try transaction.connection.execute("""
                UPDATE feeds SET next_due = ?
                WHERE active = 1 AND retired = 0 AND (next_due IS NULL OR next_due > ?)
                """, [SQLValue(now), SQLValue(now)])
        }
    }

    public func feedLeases() throws -> [FeedLease] {
        try inReadTransaction { transaction in
            try transaction.connection.query(
                "SELECT id, lease_owner, lease_until FROM feeds WHERE lease_owner IS NOT NULL", []
            ).map { row in
                FeedLease(feedID: row.int64(0) ?? 0, owner: row.string(1) ?? "", until: row.date(2))
            }
        }
    }
}

extension SQLTransaction {
    func moveNextDue(feedID: Int64, from: Date, to: Date) throws -> Bool {
        try connection.execute("UPDATE feeds SET next_due = ? WHERE id = ? AND next_due = ? AND lease_owner IS NULL",
                               [SQLValue(to), .integer(feedID), SQLValue(from)]) > 0
    }
}
