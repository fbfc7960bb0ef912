import Config
import Feeds
import Foundation
import Logging
import Pipeline
import Store

/// Who holds a lease: host, pid and a random suffix, so a restarted daemon can recognise (and release) the
/// leases of its own dead predecessor on the same machine instead of waiting for them to expire.
public enum LeaseOwner {
    public static func make(pid: Int32 = getpid(), host: String = ProcessInfo.processInfo.hostName) -> String {
        "\(host)/\(pid)/\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// (host, pid) of an owner string made by `make`.
    public static func parse(_ owner: String) -> (host: String, pid: Int)? {
        let parts = owner.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int(parts[parts.count - 2]) else { return nil }
        return (parts.dropLast(2).joined(separator: "/"), pid)
    }
}

/// The store, fetcher and sinks one process works with, opened from a checked configuration.
public struct Services: Sendable {
    public let store: any Store
    public let fetcher: Fetcher
    public let owner: String

    public static func fetcherOptions(_ poll: PollSettings) -> FetcherOptions {
        var options = FetcherOptions()
        options.concurrency = poll.concurrency
        options.perHost = poll.perHost
        options.timeout = poll.timeout
        options.connectTimeout = poll.connectTimeout
        options.maxBytes = poll.maxBytes
        options.maxDecodedBytes = poll.maxBytes
        if let userAgent = poll.userAgent { options.userAgent = userAgent }
        // Bodies waiting for the cycle's few parse workers: 512 KB (some ten feeds) keeps them busy on loopback,
        // where transfers outrun parsing five to one, and leaves the 64 MB budget to the store. (1 MB cost ~0.5 MB
        // of peak RSS in a cold 10,000-feed cycle and bought no CPU or wall time, issue 19.)
        options.maxBufferedBodyBytes = 512 * 1024
        return options
    }

    /// Page cache per SQLite connection. 2 MiB instead of 4 saved 3 MB of peak RSS in a 10,000-feed cycle at no
    /// measurable CPU: per-feed work touches that feed's rows through indexes, and inserts append. 1 MiB with the
    /// fixed mmap threshold (`MallocTuning`) and the smaller body buffer took the cold cycle's peak from 64 to
    /// ~61 MB at the same CPU (issue 19).
    public static let sqliteCacheMiB = 1

    /// The writer's page cache: one commit of the write queue (up to ~1 MB of item text, 80-120 pages of 16 KiB
    /// with the rows' indexes) must fit, or SQLite spills pages to the WAL mid-transaction, rewrites them in place
    /// when they change again and then reads back and re-checksums every frame after the first rewrite. At 1 MiB
    /// (~62 pages) a cold 10,000-feed cycle spilled ~24,000 pages and read ~490 MB of its own WAL back; at 2 MiB it
    /// spilled 8, for ~1 MB more peak RSS. The CPU saved (~0.6 CPU-s in adjacent runs on a loaded
    /// machine) was inside the noise of four quiet runs: kept for the spills and read-back it removes (issue 19).
    public static let sqliteWriterCacheMiB = 2

    /// Opens (creating and migrating when needed) the configured store.
    public static func openStore(_ settings: StoreSettings) throws -> any Store {
        switch settings.backend {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            // A smaller page cache than the store's default keeps a 10,000-feed cycle within its memory budget;
            // per-feed work touches only that feed's rows through indexes, so a larger cache buys little.
            var options = SQLiteOptions()
            options.cacheMiB = sqliteCacheMiB
            options.writerCacheMiB = sqliteWriterCacheMiB
            // No memory-mapped reads: every mapped page the dedup lookups touch counts as this process's resident
            // memory, which on a store of a few hundred MB broke the 64 MB budget of a 10,000-feed cycle.
            options.mmapMiB = 0
            return try StoreFactory.open(sqlitePath: path, options: options)
        case .postgres(let url):
            return try StoreFactory.open(postgresURL: url)
        }
    }

    public static func open(_ config: RuntimeConfig) throws -> Services {
        let store = try openStore(config.config.store)
        return Services(store: store, fetcher: Fetcher(options: fetcherOptions(config.config.poll)), owner: LeaseOwner.make())
    }

    /// Makes the store's feed list follow the configuration.
    public func syncFeeds(_ config: RuntimeConfig) async throws {
        let specs = config.feeds.map { FeedSpec(url: $0.url, name: $0.name) }
        let store = self.store
        // Two processes starting on one fresh store can race to insert the same feed row; the loser's second
        // attempt finds the rows and only updates them.
        var attempt = 0
        while true {
            do {
                try await Blocking.run { try store.syncFeeds(specs, now: Date()) }
                return
            } catch {
                attempt += 1
                if attempt >= 5 { throw error }
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// Whether the process named by a lease `owner` is certainly gone, so what it holds can be taken back now
    /// instead of after its lease runs out: on this host with its pid no longer running, or, in a store no other host
    /// leases from (`Store.otherHostsMayLease` false: SQLite), any owner that is not a live process of this host
    /// (the file moved machines, or the owner string is not ours). Where other hosts may lease (PostgreSQL), another
    /// host's owner is never judged: its leases are taken over only when they expire.
    public static func ownerIsDead(_ owner: String, host: String = ProcessInfo.processInfo.hostName, otherHostsMayLease: Bool,
                                   isAlive: (Int) -> Bool = StatusReport.processIsAlive) -> Bool {
        guard let (ownerHost, pid) = LeaseOwner.parse(owner) else { return !otherHostsMayLease }
        guard ownerHost == host else { return !otherHostsMayLease }
        return pid != Int(getpid()) && !isAlive(pid)
    }

    /// Takes back what dead processes held (a SIGKILLed predecessor): feed leases are released, so a restart
    /// fetches those feeds at once, and outbox claims are ended, so their alerts go out in the first delivery pass
    /// instead of after `AlertDelivery.claimLease`.
    public func releaseLeasesOfDeadProcesses(logger: Logger) async {
        let store = self.store
        let otherHostsMayLease = store.otherHostsMayLease
        do {
            let (feeds, claims) = try await Blocking.run { () -> (Int, Int) in
                // Only the leases, not every feed row: on 10,000 feeds the rows cost megabytes at startup.
                var feeds = 0
                for lease in try store.feedLeases() {
                    guard let until = lease.until, until > Date(), Self.ownerIsDead(lease.owner, otherHostsMayLease: otherHostsMayLease) else { continue }
                    try store.releaseFeedLease(feedID: lease.feedID, owner: lease.owner)
                    feeds += 1
                }
                var claims = 0
                for owner in try store.outboxClaimOwners() where Self.ownerIsDead(owner, otherHostsMayLease: otherHostsMayLease) {
                    claims += try store.expireAlertClaims(owner: owner, now: Date())
                }
                return (feeds, claims)
            }
            if feeds > 0 || claims > 0 {
                logger.notice("took back what a dead predecessor held",
                              metadata: ["feed_leases": "\(feeds)", "alert_claims": "\(claims)"])
            }
        } catch {
            logger.warning("cannot check for stale leases and claims", metadata: ["error": "\(error)"])
        }
    }
}
