import Foundation

/// The outbox: claiming alerts for a sink, marking them delivered or failed; and the daemons' heartbeats.
extension SQLTransaction {
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
}
