import Foundation

/// Reads the store. Available inside `Store.read` and, with the transaction's own writes visible, inside
/// `Store.write`.
public protocol StoreReader {
    func feeds() throws -> [FeedRecord]
    func feed(id: Int64) throws -> FeedRecord?
    func feed(configuredURL: String) throws -> FeedRecord?
    func item(id: Int64) throws -> ItemRecord?
    /// Items of one feed, newest first-seen first.
    func items(feedID: Int64, limit: Int) throws -> [ItemRecord]
    func matches(itemID: Int64) throws -> [TopicMatch]
    func event(id: String) throws -> EventRecord?
    /// Open (not closed) events of a topic, oldest first.
    func openEvents(topic: String) throws -> [EventRecord]
    func facts(eventID: String) throws -> [FactRecord]
    /// The version token of a topic's stored term statistics (nil when none are stored): cheap, no payload.
    func termStatisticsVersion(topic: String) throws -> Int64?
    /// A topic's stored term statistics: the engine's own compact encoding, opaque to the store.
    func termStatistics(topic: String) throws -> Data?
    /// Every sink's outbox row for one alert.
    func outbox(alertID: String) throws -> [OutboxAlert]
    func alertExists(id: String) throws -> Bool
    /// Alerts created in [start, end), oldest first, at most `limit` (digest messages, ids `digest:…`, left out).
    func alerts(createdFrom start: Date, until end: Date, limit: Int) throws -> [RecentAlert]
    /// Event timelines (open and closed events), newest activity first.
    func events(_ query: EventQuery) throws -> [EventSummary]
    func eventSummary(id: String) throws -> EventSummary?
    /// An event's articles in order of publication (arrival order for equal or missing times).
    func eventArticles(eventID: String) throws -> [EventArticleRecord]
    /// The newest alerts, newest first.
    func recentAlerts(limit: Int) throws -> [RecentAlert]
    /// Items with an id below `beforeID` (nil: from the newest), highest id (latest stored) first.
    func items(beforeID: Int64?, limit: Int) throws -> [ItemRecord]
    /// Counts for pages and metrics, without reading every feed's row (`status` does that).
    func summary() throws -> StoreSummary
    /// Active feeds that are failing or backing off, by id.
    func troubledFeeds(limit: Int) throws -> [FeedRecord]
    /// Items held for the settle window, earliest arrival first.
    func settlingItems() throws -> [SettlingItem]
}

/// Everything one fetch of one feed writes, in one transaction. The body of `Store.write` may run more than
/// once on PostgreSQL (serialization failures and deadlocks are retried), so it must not have effects outside
/// the transaction that cannot be repeated.
public protocol StoreTransaction: StoreReader {
    /// Writes a fetch's outcome to the feed's row and releases its lease.
    func updateFeed(id: Int64, _ update: FeedFetchUpdate) throws
    /// Moves a feed's next due time (spreading one host's polls), only if its row is unleased and still due at
    /// `from` (nothing else changed it since). Returns whether it moved.
    @discardableResult
    func moveNextDue(feedID: Int64, from: Date, to: Date) throws -> Bool
    /// Stores items of one feed; returns one insertion per input item, in order. Dedup: per feed by entry id,
    /// across feeds by canonical URL (tracking parameters stripped) and by content fingerprint.
    func insertItems(feedID: Int64, _ items: [NewItem]) throws -> [ItemInsertion]
    func recordMatches(_ matches: [TopicMatch]) throws
    /// Serialises judging of one topic across daemons until the transaction ends
    /// (PostgreSQL: an advisory transaction lock; SQLite: the single writer already does).
    func lockTopic(_ topic: String) throws
    /// Inserts or replaces an event (summary columns and the engine's state blob).
    func saveEvent(_ event: EventRecord) throws
    /// Inserts or replaces a topic's term statistics (write them with the topic's events, under `lockTopic`).
    func saveTermStatistics(topic: String, version: Int64, payload: Data) throws
    /// Adds a fact to an event; one the event already knows (same fingerprint) is ignored.
    func addFact(eventID: String, sentence: String, fingerprint: String) throws
    /// Appends an article to its event's timeline (sequence assigned here) and marks the event active at `seen`.
    func appendEventArticle(_ article: EventArticleRecord, now: Date) throws
    /// Records an alert and owes it to every sink. Idempotent on (alert id, sink): a repeat adds nothing.
    /// Returns the sinks newly owed the alert.
    @discardableResult
    func enqueueAlert(id: String, created: Date, sinks: [String], payload: String) throws -> [String]
    /// Holds stored items for the settle window (a repeat of an item already held changes nothing).
    func holdForSettling(_ items: [SettlingItem]) throws
    /// Ends the wait of these items; returns those this transaction took out of the window (on a shared
    /// PostgreSQL store another daemon's transaction may have taken some first: those are not judged twice).
    @discardableResult
    func releaseSettled(itemIDs: [Int64]) throws -> Set<Int64>
    /// The settle window and cross-feed dedup (issue 17): `itemID`, just stored as a duplicate of `primary`, takes
    /// `primary`'s place when `primary` still waits in the window (not judged yet) and was published later. Then
    /// `itemID` becomes the primary (its keys claimed, `primary` and its other duplicates now duplicates of it) and
    /// the waiting row is its own (`feedID`, `position`, `topics`; `baseline` only if both were; the row's arrival
    /// time, so the window's end does not move). Returns false, changing nothing, otherwise (including when a key
    /// of `itemID` belongs to some other primary).
    func takeSettlingPlace(of primary: Int64, by itemID: Int64, feedID: Int64, position: Int, topics: Set<String>,
                           baseline: Bool) throws -> Bool
}

/// The daemon's memory. Two backends (`SQLiteStore`, `PostgresStore`) behind one interface; open one with
/// `StoreFactory`.
public protocol Store: AnyObject, Sendable {
    /// "sqlite:/path" or "postgresql://host:port/db", without credentials.
    var description: String { get }
    /// Whether daemons on other hosts may hold leases (feeds, outbox claims) in this store at the same time as
    /// this one. Callers then lease in small chunks, so a cycle's work spreads over all daemons instead of going
    /// to whichever leased first, and never take back a lease of another host's owner before it expires. When
    /// false, every lease holder is a process of this host, and one whose process is gone is certainly dead.
    var otherHostsMayLease: Bool { get }
    @discardableResult
    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T
    func read<T>(_ body: (StoreReader) throws -> T) throws -> T
    /// Makes the feed table follow the configuration: adds new feeds (due at once), keeps the state of existing
    /// ones (matched by configured URL), marks the ones no longer configured inactive (history kept).
    func syncFeeds(_ feeds: [FeedSpec], now: Date) throws
    /// Leases up to `limit` due feeds to `owner` until `now + leaseFor`. A feed leased by someone else is skipped
    /// until its lease expires, so several daemons never fetch one feed in the same cycle.
    func leaseDueFeeds(now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [FeedRecord]
    /// Gives a lease back without a fetch (shutdown). `updateFeed` releases it too.
    func releaseFeedLease(feedID: Int64, owner: String) throws
    /// Claims up to `limit` alerts for one sink (due pending ones, and delivering ones whose lease expired).
    /// Counts an attempt per claim.
    func claimAlerts(sink: String, now: Date, limit: Int, owner: String, leaseFor: TimeInterval) throws -> [OutboxAlert]
    /// Returns false when `owner` no longer holds the claim (it expired and another daemon took it).
    @discardableResult
    func markDelivered(alertID: String, sink: String, owner: String, now: Date) throws -> Bool
    /// Records a failed attempt: back to pending at `nextAttempt`, or `failed` for good when `nextAttempt` is nil.
    @discardableResult
    func markFailed(alertID: String, sink: String, owner: String, error: String, nextAttempt: Date?, now: Date) throws -> Bool
    func heartbeat(daemonID: String, pid: Int, host: String, started: Date, now: Date) throws
    /// Feeds, totals, alert counts, the newest alerts and heartbeats, from counters and indexes only.
    func status(now: Date, recentAlerts: Int) throws -> StoreStatus
    /// Retention: deletes items first seen before `olderThan` (and their matches), closes events last seen before
    /// it, and deletes delivered/failed outbox rows of alerts created before it. Events closed before
    /// `dropClosedEventsBefore` are deleted with their facts and timelines.
    func prune(olderThan cutoff: Date, dropClosedEventsBefore: Date?) throws -> PruneReport
    /// Closes connections; the store must not be used afterwards.
    func close()
    /// `poll --all`: makes every active, non-retired feed due at `now` (feeds due earlier keep their time), so
    /// the cycle can lease them in chunks like any due feeds: a feed polled in the cycle is due again later and
    /// is not leased twice. Returns how many feeds moved.
    @discardableResult
    func makeFeedsDue(now: Date) throws -> Int
    /// The feeds currently leased (id, owner, until), without reading the rest of their rows.
    func feedLeases() throws -> [FeedLease]
    /// Owners of outbox claims still in `delivering` (expired or not), each once.
    func outboxClaimOwners() throws -> [String]
    /// Ends `owner`'s outbox claims now (a dead process's), so the next `claimAlerts` takes them at once.
    /// Returns how many claims it ended.
    @discardableResult
    func expireAlertClaims(owner: String, now: Date) throws -> Int
}

extension Store {
    public func syncFeeds(_ feeds: [FeedSpec]) throws { try syncFeeds(feeds, now: Date()) }
    public func prune(olderThan cutoff: Date) throws -> PruneReport {
        try prune(olderThan: cutoff, dropClosedEventsBefore: nil)
    }
}

/// Opens a store of either backend and brings its schema up to date.
public enum StoreFactory {
    /// `location` is a `postgresql://` / `postgres://` URL or a file path (optionally `sqlite:`-prefixed).
    public static func open(location: String) throws -> any Store {
        if location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") {
            return try open(postgresURL: location)
        }
        if location.hasPrefix("sqlite:") { return try open(sqlitePath: String(location.dropFirst("sqlite:".count))) }
        guard !location.isEmpty, !location.contains("://") else { throw StoreError.unsupportedLocation(location) }
        return try open(sqlitePath: location)
    }

    public static func open(sqlitePath: String, options: SQLiteOptions = SQLiteOptions()) throws -> SQLiteStore {
        try migrated(SQLiteStore(path: sqlitePath, options: options))
    }

    public static func open(postgresURL: String, options: PostgresOptions = PostgresOptions()) throws -> PostgresStore {
        try migrated(PostgresStore(url: postgresURL, options: options))
    }

    /// The store with its schema brought up to date, or closed when that fails.
    private static func migrated<S: SQLBackedStore>(_ store: S) throws -> S {
        do {
            try store.migrate()
        } catch {
            store.close()
            throw error
        }
        return store
    }
}
