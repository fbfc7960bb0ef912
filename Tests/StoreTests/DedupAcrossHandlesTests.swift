import Foundation
import Store
import Testing
import TestSupport

/// Cross-feed dedup must hold whichever handle (process, connection) wrote the first copy, must forget keys of a
/// transaction that rolled back, and must forget pruned items, on both backends. On SQLite this checks that the
/// writer's in-memory keys follow other connections' commits and prunes.
@Suite("Dedup across handles")
struct DedupAcrossHandlesTests {
    struct Abort: Error {}

    static let story = "Engineers restored power to the northern districts overnight after the storm brought down three transmission lines, the utility said."

    @Test(arguments: Backend.allCases)
    func anotherHandlesCommitsRollbacksAndPrunesAreSeen(_ backend: Backend) throws {
        try withStore(backend) { first, location in
            let ids = try addFeeds(first, ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"])
            let second = try location.open()
            defer { second.close() }
            // Warm both handles' dedup state before the other one writes.
            _ = try first.write { try $0.insertItems(feedID: ids[0], [item("warm-a", link: "https://warm.example/a")]) }
            _ = try second.write { try $0.insertItems(feedID: ids[1], [item("warm-b", link: "https://warm.example/b")]) }

            let original = try first.write {
                try $0.insertItems(feedID: ids[0], [item("a1", title: "Power restored", link: "https://news.example/x?utm_medium=feed", text: Self.story)])
            }
            #expect(original.map(\.outcome) == [.new])
            let copies = try second.write { tx in
                try tx.insertItems(feedID: ids[1], [
                    item("b1", link: "https://news.example/x"),
                    item("b2", title: "POWER RESTORED", link: "https://mirror.example/x", text: Self.story.lowercased()),
                ])
            }
            #expect(copies.map(\.outcome) == [.duplicateURL(of: original[0].itemID),
                                              .duplicateContent(of: original[0].itemID)])

            // A transaction that fails after inserting leaves no claim behind, on either handle.
            #expect(throws: Abort.self) {
                try first.write { tx in
                    _ = try tx.insertItems(feedID: ids[0], [item("a2", link: "https://news.example/rolled-back")])
                    throw Abort()
                }
            }
            let afterRollback = try second.write {
                try $0.insertItems(feedID: ids[2], [item("c1", link: "https://news.example/rolled-back")])
            }
            #expect(afterRollback.map(\.outcome) == [.new])
            let sameHandle = try first.write {
                try $0.insertItems(feedID: ids[0], [item("a2", link: "https://news.example/rolled-back")])
            }
            #expect(sameHandle.map(\.outcome) == [.duplicateURL(of: afterRollback[0].itemID)])

            // Pruned originals no longer claim their URL or words, whoever pruned.
            let later = t0.addingTimeInterval(86_400)
            _ = try second.prune(olderThan: later)
            let reborn = try first.write { tx in
                try tx.insertItems(feedID: ids[2], [
                    item("c2", link: "https://news.example/x", seen: later),
                    item("c3", title: "Power restored", link: "https://elsewhere.example/y", text: Self.story, seen: later),
                ])
            }
            #expect(reborn.map(\.outcome) == [.new, .new])
            let afterReborn = try second.write {
                try $0.insertItems(feedID: ids[1], [item("b3", link: "https://news.example/x", seen: later)])
            }
            #expect(afterReborn.map(\.outcome) == [.duplicateURL(of: reborn[0].itemID)])
        }
    }

    /// A store written by a schema-1 binary (unique indexes on the keys, no item_keys) keeps deduplicating against
    /// its existing items after migration 2 moves the keys.
    @Test func sqliteSchemaOneStoreKeepsItsDedupKeysAfterMigration() throws {
        let location = try StoreLocation.fresh(.sqlite)
        defer { location.cleanup() }
        let store = try location.open()
        let ids = try addFeeds(store, ["https://a.example/rss", "https://b.example/rss"])
        let original = try store.write {
            try $0.insertItems(feedID: ids[0], [item("a1", title: "Power restored", link: "https://news.example/x", text: Self.story)])
        }
        store.close()
        // Turn the file back into what schema 1 left behind (undoing migrations 2 to 7).
        let downgrade = try runProcess(URL(fileURLWithPath: "/usr/bin/sqlite3"), [location.location, """
            DROP TABLE event_articles; DROP INDEX events_updated; DROP INDEX events_topic_updated;
            ALTER TABLE events DROP COLUMN closed_at; ALTER TABLE events DROP COLUMN updated;
            DROP TABLE item_keys; DROP TABLE term_statistics; DROP TABLE IF EXISTS settling; ALTER TABLE feeds DROP COLUMN schedule_state; DELETE FROM schema_migrations WHERE version >= 2;
            DELETE FROM counters WHERE name = 'dedup_generation';
            CREATE UNIQUE INDEX items_url_key ON items (url_key) WHERE duplicate_of IS NULL;
            CREATE UNIQUE INDEX items_content_key ON items (content_key) WHERE duplicate_of IS NULL;
            CREATE INDEX items_first_seen ON items (first_seen);
            """])
        #expect(downgrade.status == 0, "\(downgrade.stderr)")
        let migrated = try location.open()
        defer { migrated.close() }
        let copies = try migrated.write { tx in
            try tx.insertItems(feedID: ids[1], [
                item("b1", link: "https://news.example/x"),
                item("b2", title: "Power restored", link: "https://mirror.example/x", text: Self.story),
            ])
        }
        #expect(copies.map(\.outcome) == [.duplicateURL(of: original[0].itemID), .duplicateContent(of: original[0].itemID)])
        #expect(try migrated.status(now: t0, recentAlerts: 0).schemaVersion >= 7)
        // Schema 4 dropped the first-seen index on SQLite (retention scans instead).
        let indexes = try runProcess(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                     [location.location, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'"])
        #expect(!indexes.stdout.contains("items_first_seen"), "\(indexes.stdout)")
    }
}
