import Foundation

/// Retention (`Store.prune`); the dialects choose the items (`selectPrunedItems`), the rest is shared.
extension SQLTransaction {
    func prune(olderThan cutoff: Date, dropClosedEventsBefore: Date?) throws -> PruneReport {
        var report = PruneReport()
        let cut = SQLValue(cutoff)
        let items = try selectPrunedItems(before: cut)
        for row in try connection.query(items.countsPerFeed, items.parameters) {
            itemCountDeltas[row.int64(0) ?? 0, default: 0] -= row.int64(1) ?? 0
        }
        report[.matchesDeleted] = Int64(try connection.execute("DELETE FROM matches WHERE item_id IN (\(items.ids))",
                                                               items.parameters))
        try willDeletePrunedItems(items)
        report[.itemsDeleted] = Int64(try connection.execute("DELETE FROM items WHERE id IN (\(items.ids))", items.parameters))
        try didDeletePrunedItems()
        report[.eventsClosed] = Int64(try connection.execute(
            "UPDATE events SET closed = 1, closed_at = ? WHERE closed = 0 AND last_seen < ?", [SQLValue(Date()), cut]))
        if let dropBefore = dropClosedEventsBefore {
            // By closing time: an event stays for the retention period after it closed, with its timeline.
            let drop = SQLValue(dropBefore)
            let doomedEvents = "SELECT id FROM events WHERE closed = 1 AND closed_at < ?"
            report[.factsDeleted] = Int64(try connection.execute(
                "DELETE FROM facts WHERE event_id IN (\(doomedEvents))", [drop]))
            try connection.execute("DELETE FROM event_articles WHERE event_id IN (\(doomedEvents))", [drop])
            report[.eventsDeleted] = Int64(try connection.execute(
                "DELETE FROM events WHERE closed = 1 AND closed_at < ?", [drop]))
            counterDeltas["events", default: 0] -= report[.eventsDeleted]
        }
        for row in try connection.query("""
            SELECT sink, state, count(*) FROM outbox WHERE created < ? AND state IN ('delivered', 'failed')
            GROUP BY sink, state
            """, [cut]) {
            if let state = OutboxState(rawValue: row.string(1) ?? "") {
                outboxDeltas[OutboxStatKey(sink: row.string(0) ?? "", state: state), default: 0] -= row.int64(2) ?? 0
            }
        }
        report[.outboxRowsDeleted] = Int64(try connection.execute(
            "DELETE FROM outbox WHERE created < ? AND state IN ('delivered', 'failed')", [cut]))
        report[.alertsDeleted] = Int64(try connection.execute("""
            DELETE FROM alerts WHERE created < ? AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.alert_id = alerts.id)
            """, [cut]))
        return report
    }
}
