import Foundation

/// A feed's lease, without the rest of its row.
public struct FeedLease: Sendable, Equatable {
    public var feedID: Int64
    public var owner: String
    public var until: Date?
}

/// A feed's next poll moved later (host spreading), applied only if the row still holds `from`.
public struct NextDueMove: Sendable, Equatable {
    public var feedID: Int64
    public var from: Date
    public var to: Date

    public init(feedID: Int64, from: Date, to: Date) {
        self.feedID = feedID
        self.from = from
        self.to = to
    }
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

    public func moveNextDue(_ moves: [NextDueMove]) throws -> Int {
        guard !moves.isEmpty else { return 0 }
        return try inWriteTransaction { transaction in
            var moved = 0
            for move in moves {
                moved += try transaction.connection.execute(
                    "UPDATE feeds SET next_due = ? WHERE id = ? AND next_due = ? AND lease_owner IS NULL",
                    [SQLValue(move.to), .integer(move.feedID), SQLValue(move.from)])
            }
            return moved
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
