import Config
import Feeds
import Foundation
import Logging
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
        // Bodies waiting for the cycle's few parse workers: 1 MB (some twenty feeds) keeps them busy on
        // loopback, where transfers outrun parsing five to one, and leaves the 64 MB budget to the store.
        options.maxBufferedBodyBytes = 1024 * 1024
        return options
    }

    /// Page cache per SQLite connection. 2 MiB instead of 4 saved 3 MB of peak RSS in a 10,000-feed cycle at no
    /// measurable CPU: per-feed work touches that feed's rows through indexes, and inserts append.
    public static let sqliteCacheMiB = 2

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

    /// Releases feed leases held by dead processes of this host (a SIGKILLed predecessor), so a restart fetches
    /// their feeds at once instead of after the lease expires.
    public func releaseLeasesOfDeadProcesses(logger: Logger) async {
        let store = self.store
        let host = ProcessInfo.processInfo.hostName
        do {
            let released = try await Blocking.run { () -> Int in
                // Only the leases, not every feed row: on 10,000 feeds the rows cost megabytes at startup.
                let leases = try store.feedLeases()
                var released = 0
                for lease in leases {
                    guard let until = lease.until, until > Date(),
                          let (ownerHost, pid) = LeaseOwner.parse(lease.owner), ownerHost == host,
                          pid != Int(getpid()), !StatusReport.processIsAlive(pid) else { continue }
                    try store.releaseFeedLease(feedID: lease.feedID, owner: lease.owner)
                    released += 1
                }
                return released
            }
            if released > 0 { logger.notice("released feed leases of a dead predecessor", metadata: ["feeds": "\(released)"]) }
        } catch {
            logger.warning("cannot check for stale feed leases", metadata: ["error": "\(error)"])
        }
    }
}
