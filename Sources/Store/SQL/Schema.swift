import Foundation

/// Versioned schema. Each migration is a list of statements written once for both backends; the few type
/// names that differ are spelled as tokens and substituted per dialect. Append new migrations; never edit a
/// released one.
enum Schema {
    struct Migration {
        let version: Int
        let summary: String
        let statements: [String]
        /// Statements only one backend runs (its storage differs, the data model does not).
        var sqliteOnly: [String] = []
        var postgresOnly: [String] = []

        func statements(for dialect: SQLDialect) -> [String] {
            switch dialect {
            case .sqlite: return statements + sqliteOnly
            case .postgres: return statements + postgresOnly
            }
        }
    }

    static var latestVersion: Int { migrations.last!.version }

    static let migrations: [Migration] = [
        Migration(version: 1, summary: "feeds, items, matches, events, facts, alerts, outbox, heartbeats", statements: [
            """
            CREATE TABLE feeds (
                id {ID},
                configured_url TEXT NOT NULL UNIQUE,
                url TEXT NOT NULL,
                name TEXT,
                active INTEGER NOT NULL DEFAULT 1,
                state TEXT NOT NULL DEFAULT 'new',
                etag TEXT,
                last_modified TEXT,
                next_due {REAL},
                failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                last_fetch {REAL},
                last_success {REAL},
                retired INTEGER NOT NULL DEFAULT 0,
                item_count BIGINT NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_until {REAL},
                added {REAL} NOT NULL
            )
            """,
            // Leasing reads only due, active feeds, in due order.
            "CREATE INDEX feeds_due ON feeds (next_due) WHERE active = 1 AND retired = 0",
            """
            CREATE TABLE items (
                id {ID},
                feed_id BIGINT NOT NULL,
                entry_id TEXT NOT NULL,
                title TEXT NOT NULL,
                link TEXT,
                canonical_url TEXT,
                published {REAL},
                first_seen {REAL} NOT NULL,
                summary TEXT,
                content TEXT,
                html TEXT,
                fingerprint TEXT,
                url_key BIGINT,
                content_key BIGINT,
                duplicate_of BIGINT,
                UNIQUE (feed_id, entry_id)
            )
            """,
            // Only the first item of a story ("primary", duplicate_of NULL) claims its URL and fingerprint, so an
            // INSERT … ON CONFLICT DO NOTHING decides newness atomically, even with several daemons inserting.
            // The indexes hold 64-bit hashes of canonical URL and fingerprint, not the texts: random-keyed indexes
            // are the main ingest cost at a million items, and 8-byte keys keep them small enough to stay cached.
            "CREATE UNIQUE INDEX items_url_key ON items (url_key) WHERE duplicate_of IS NULL",
            "CREATE UNIQUE INDEX items_content_key ON items (content_key) WHERE duplicate_of IS NULL",
            "CREATE INDEX items_first_seen ON items (first_seen)",
            """
            CREATE TABLE matches (
                item_id BIGINT NOT NULL,
                topic TEXT NOT NULL,
                event_id TEXT,
                verdict TEXT,
                PRIMARY KEY (item_id, topic)
            ) {WITHOUT_ROWID}
            """,
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY,
                topic TEXT NOT NULL,
                title TEXT NOT NULL,
                first_seen {REAL} NOT NULL,
                last_seen {REAL} NOT NULL,
                article_count INTEGER NOT NULL,
                closed INTEGER NOT NULL DEFAULT 0,
                state {BLOB} NOT NULL
            )
            """,
            "CREATE INDEX events_open_by_topic ON events (topic, first_seen) WHERE closed = 0",
            "CREATE INDEX events_last_seen ON events (closed, last_seen)",
            """
            CREATE TABLE facts (
                event_id TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                sentence TEXT NOT NULL,
                PRIMARY KEY (event_id, fingerprint)
            ) {WITHOUT_ROWID}
            """,
            """
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                created {REAL} NOT NULL,
                payload TEXT NOT NULL
            )
            """,
            "CREATE INDEX alerts_created ON alerts (created)",
            """
            CREATE TABLE outbox (
                id {ID},
                alert_id TEXT NOT NULL,
                sink TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt {REAL} NOT NULL,
                last_error TEXT,
                created {REAL} NOT NULL,
                lease_owner TEXT,
                lease_until {REAL},
                delivered_at {REAL},
                UNIQUE (alert_id, sink)
            )
            """,
            // Only undelivered rows are indexed for claiming: the index stays as small as the backlog.
            "CREATE INDEX outbox_due ON outbox (sink, next_attempt) WHERE state IN ('pending', 'delivering')",
            "CREATE INDEX outbox_created ON outbox (created)",
            // Counters kept by the writers so status never counts big tables.
            """
            CREATE TABLE outbox_stats (
                sink TEXT NOT NULL,
                state TEXT NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (sink, state)
            ) {WITHOUT_ROWID}
            """,
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL) {WITHOUT_ROWID}",
            "INSERT INTO counters (name, value) VALUES ('events', 0)",
            """
            CREATE TABLE heartbeats (
                daemon_id TEXT PRIMARY KEY,
                pid INTEGER NOT NULL,
                host TEXT NOT NULL,
                started {REAL} NOT NULL,
                last_beat {REAL} NOT NULL
            )
            """,
        ]),
        // SQLite has one writer at a time, which keeps the cross-feed dedup keys in memory (ItemKeyIndex) backed by
        // an append-ordered table instead of two random-keyed unique indexes (over half of ingest CPU at 1M items).
        // PostgreSQL keeps the indexes: several daemons insert at once and only the index decides atomically.
        Migration(version: 2, summary: "SQLite: cross-feed dedup keys in item_keys, held in memory by the writer",
                  statements: [], sqliteOnly: [
            "CREATE TABLE item_keys (item_id INTEGER PRIMARY KEY, url_key INTEGER, content_key INTEGER)",
            """
            INSERT INTO item_keys (item_id, url_key, content_key)
            SELECT id, url_key, content_key FROM items
            WHERE duplicate_of IS NULL AND (url_key IS NOT NULL OR content_key IS NOT NULL)
            """,
            "DROP INDEX items_url_key",
            "DROP INDEX items_content_key",
            "INSERT INTO counters (name, value) VALUES ('dedup_generation', 0)",
        ]),
        // The fetch scheduler's memory (unchanged streak, change interval, pending redirect), as the JSON the
        // Feeds target encodes: the store keeps it opaque so its fields can evolve without migrations.
        Migration(version: 3, summary: "feeds.schedule_state", statements: [
            "ALTER TABLE feeds ADD COLUMN schedule_state TEXT",
        ]),
        // SQLite: the first-seen index cost every 50-item commit two more WAL pages (its right edge and parent)
        // and a B-tree insert per item, ~10 % of ingest, for one query an hour: retention's prune, which now
        // scans the items once instead. PostgreSQL keeps it (its prune deletes through it; ingest is not its bar).
        Migration(version: 4, summary: "SQLite: no first-seen index (retention scans)", statements: [],
                  sqliteOnly: ["DROP INDEX IF EXISTS items_first_seen"]),
        // ── Event timelines (issue 13) ──────────────────────────────────────────────────────────────────────────
        // Events stay for the retention period after they close, with their articles in arrival order: each
        // article's verdict and the new-fact sentences it carried, copied here so the timeline outlives the
        // items' own pruning. `closed_at` and `updated` are wall-clock times (the engine's first/last seen follow
        // the articles' published times, which may lie far in the past). Events closed before this migration get
        // their last_seen as closing time; their articles are rebuilt from matches, without facts.
        Migration(version: 5, summary: "event timelines: events.closed_at/updated, event_articles", statements: [
            "ALTER TABLE events ADD COLUMN closed_at {REAL}",
            "ALTER TABLE events ADD COLUMN updated {REAL}",
            "UPDATE events SET closed_at = last_seen WHERE closed = 1",
            "UPDATE events SET updated = last_seen",
            """
            CREATE TABLE event_articles (
                event_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                item_id BIGINT NOT NULL,
                title TEXT NOT NULL,
                url TEXT,
                feed TEXT NOT NULL,
                feed_name TEXT,
                published {REAL},
                seen {REAL} NOT NULL,
                verdict TEXT NOT NULL,
                new_facts TEXT NOT NULL,
                PRIMARY KEY (event_id, seq)
            ) {WITHOUT_ROWID}
            """,
            "CREATE INDEX events_updated ON events (updated)",
            "CREATE INDEX events_topic_updated ON events (topic, updated)",
            """
            INSERT INTO event_articles (event_id, seq, item_id, title, url, feed, feed_name, published, seen, verdict,
                new_facts)
            SELECT m.event_id, ROW_NUMBER() OVER (PARTITION BY m.event_id ORDER BY i.first_seen, i.id), i.id, i.title,
                i.link, f.configured_url, f.name, i.published, i.first_seen, COALESCE(m.verdict, 'no_new_facts'), '[]'
            FROM matches m JOIN items i ON i.id = m.item_id JOIN feeds f ON f.id = i.feed_id
            WHERE m.event_id IS NOT NULL
            """,
        ]),
        // The coverage engine's term statistics (IDF document frequencies), one opaque row per topic, written in
        // the judging transaction that saves the topic's events so the two never disagree after a crash. `version`
        // is a random token the judge compares with its in-memory copy to skip reading the payload when nobody
        // else wrote it.
        Migration(version: 6, summary: "term_statistics: the coverage engine's IDF table per topic", statements: [
            "CREATE TABLE term_statistics (topic TEXT PRIMARY KEY, version BIGINT NOT NULL, payload {BLOB} NOT NULL)",
        ]),
        // Issue 17 (the settle window): on-topic items stored but not judged yet. They wait here, not in memory, so
        // a SIGKILL while they settle loses nothing; the judging transaction deletes the rows it judged.
        // `topics` is the names the item matched, one per line; `baseline` 1 for a new feed's first items under
        // `first_fetch = "baseline"`.
        Migration(version: 7, summary: "settling: on-topic items held for the settle window (issue 17)", statements: [
            """
            CREATE TABLE settling (
                item_id BIGINT PRIMARY KEY,
                feed_id BIGINT NOT NULL,
                position INTEGER NOT NULL,
                topics TEXT NOT NULL,
                baseline INTEGER NOT NULL,
                arrived {REAL} NOT NULL
            )
            """,
        ]),
    ]

    static func render(_ statement: String, for dialect: SQLDialect) -> String {
        let tokens: [String: String]
        switch dialect {
        case .sqlite:
            tokens = ["{ID}": "INTEGER PRIMARY KEY", "{REAL}": "REAL", "{BLOB}": "BLOB",
                      "{WITHOUT_ROWID}": "WITHOUT ROWID"]
        case .postgres:
            tokens = ["{ID}": "BIGSERIAL PRIMARY KEY", "{REAL}": "DOUBLE PRECISION", "{BLOB}": "BYTEA",
                      "{WITHOUT_ROWID}": ""]
        }
        var rendered = statement
        for (token, replacement) in tokens { rendered = rendered.replacingOccurrences(of: token, with: replacement) }
        return rendered
    }
}
