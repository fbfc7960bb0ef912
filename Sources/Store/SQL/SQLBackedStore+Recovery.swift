import Foundation

/// Taking back what a dead process held (issue 17, prompt recovery): a SIGKILLed daemon leaves outbox rows in
/// `delivering` under its lease; waiting the lease out delays those alerts by up to `claimLease`.
extension SQLBackedStore {
    public func outboxClaimOwners() throws -> [String] {
        try inReadTransaction { transaction in
            try transaction.connection.query(
                "SELECT DISTINCT lease_owner FROM outbox WHERE state = 'delivering' AND lease_owner IS NOT NULL", []
            ).compactMap { $0.string(0) }
        }
    }

    public func expireAlertClaims(owner: String, now: Date) throws -> Int {
        // Expiring the lease (rather than resetting the row) leaves the row to the ordinary claim path: the next
        // `claimAlerts` takes it like any expired claim, and the outbox counters need no separate bookkeeping.
        try inWriteTransaction { transaction in
            try transaction.connection.execute(
                "UPDATE outbox SET lease_until = ? WHERE state = 'delivering' AND lease_owner = ? AND lease_until >= ?",
                [SQLValue(now.addingTimeInterval(-1)), .text(owner), SQLValue(now.addingTimeInterval(-1))])
        }
    }
}
