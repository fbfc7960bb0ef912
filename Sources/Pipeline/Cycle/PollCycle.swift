import Config
import Feeds
import Foundation
import Logging
import Store
import Support

/// One pass over the due feeds, in five stages, each in its own file:
///
/// 1. lease (`LeaseStage`): due feeds, a chunk at a time, in this process's name;
/// 2. fetch (`FetchStage`): the chunks' transfers, and the one place where the cycle does things at once;
/// 3. ingest (`IngestStage`): each fetch result → the feed's row update and, for a body, its items with their
///    dedup keys and matched topics;
/// 4. judge (`JudgeStage`): the on-topic items → events, facts, alerts and outbox rows, in one transaction;
/// 5. schedule (`ScheduleStage`): the next polls of feeds sharing a host spread out.
///
/// Durability: a feed whose items match no topic is written in one transaction as its fetch completes (fetch
/// state, items; `FeedWriteQueue`). A feed with on-topic items is written later, in the one transaction that also
/// judges the cycle's new on-topic items (in published-time order, then feed order, then position) and enqueues
/// their alerts. A crash before that commit leaves those feeds' conditional-GET state and items unwritten, so they
/// are fetched and judged again after the lease expires: nothing is lost, nothing is alerted twice (alert ids are
/// deterministic and the outbox is idempotent on them).
public final class PollCycle: Sendable {
    public let store: any Store
    public let fetcher: Fetcher
    public let judge: any TopicJudge
    public let articles: ArticlePages?
    /// Lease owner name: unique per process, so leases of a crashed process are recognisable (see `LeaseOwner`).
    public let owner: String
    private let logger: Logger

    /// A feed that is leased for longer than a transfer can take plus the time to store it.
    public static func leaseDuration(for poll: PollSettings) -> TimeInterval { max(60, poll.timeout * 3 + 30) }

    /// Feeds leased (and fetched) at a time. On a store several daemons share, chunks are a few rounds of
    /// transfers only, so daemons that start a cycle together each get a part of it (with 1,024, the first to
    /// lease took nearly every feed of a 1,000-feed cycle).
    public static func chunkSize(for poll: PollSettings, otherHostsMayLease: Bool = false) -> Int {
        otherHostsMayLease ? max(64, poll.concurrency * 4) : max(1024, poll.concurrency * 16)
    }

    /// Least time between the next polls of two feeds of one host (see `ScheduleStage`).
    public static var hostSpacing: TimeInterval { ScheduleStage.hostSpacing }

    public init(store: any Store, fetcher: Fetcher, judge: any TopicJudge, articles: ArticlePages?, owner: String,
                logger: Logger) {
        self.store = store
        self.fetcher = fetcher
        self.judge = judge
        self.articles = articles
        self.owner = owner
        self.logger = logger
    }

    /// Runs one cycle over the due feeds (`all`: every active feed). `progress` is told (done, leased so far)
    /// after each feed. `chunkSize` overrides `chunkSize(for:)` (tests).
    ///
    /// `judgeAtOnce` (`poll --once`): the cycle's on-topic items, and any still waiting in the settle window, are
    /// judged now. Otherwise (`tidings run`) they wait out `[coverage] settle`; a cycle with nothing due still
    /// judges what has settled.
    public func run(config: RuntimeConfig, all: Bool = false, limit: Int = 100_000, chunkSize: Int? = nil,
                    judgeAtOnce: Bool = false,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> CycleSummary {
        let started = Monotonic.seconds()
        let poll = config.config.poll
        let lease = LeaseStage(
            store: store, owner: owner, now: Date(), leaseFor: Self.leaseDuration(for: poll),
            chunkSize: max(1, chunkSize ?? Self.chunkSize(for: poll, otherHostsMayLease: store.otherHostsMayLease)), limit: limit)
        if all { try await lease.makeAllDue() }
        let first = try await lease.next()
        guard !first.isEmpty else {
            var summary = CycleSummary()
            if try await settledItemsAreDue(config: config, judgeAtOnce: judgeAtOnce) {
                try await judgeSettled([], config: config, catalog: FeedCatalog(config: config), judgeAtOnce: judgeAtOnce,
                                       into: &summary)
            }
            summary.seconds = Monotonic.seconds() - started
            return summary
        }
        let catalog = FeedCatalog(config: config)
        // Syncing, leasing and the dead-lease check read many feed rows: their garbage goes back before the
        // cycle's own working set grows.
        MallocTuning.trim()

        let ingest = IngestStage(logger: logger)
        let outcomes = CycleOutcomes(writes: FeedWriteQueue(store: store, logger: logger), lease: lease)
        let fetch = FetchStage(
            fetcher: fetcher, lease: lease, config: config, catalog: catalog,
            // One more parse worker than cores: while one waits for room in the write queue the others parse.
            workers: ProcessInfo.processInfo.activeProcessorCount + 1,
            // By this many results before a chunk's end every transfer of it has started.
            lookahead: poll.concurrency * 2, logger: logger, progress: progress)
        let leased = await fetch.run(first: first) { result, context in
            await outcomes.record(ingest.ingest(result, context: context))
        }
        let written = await outcomes.writes.finish()
        await ScheduleStage(store: store, logger: logger).spreadHosts(outcomes.writes.scheduled, poll: poll)

        var summary = outcomes.tally.value
        summary.feeds += leased
        summary.newItems += written.newItems
        let pending = outcomes.deferred.value
        let settledDue = pending.isEmpty ? (try? await settledItemsAreDue(config: config, judgeAtOnce: judgeAtOnce)) == true : true
        if settledDue {
            do {
                try await judgeSettled(pending, config: config, catalog: catalog, judgeAtOnce: judgeAtOnce, into: &summary)
            } catch {
                logger.error("storing and judging \(pending.count) feeds with on-topic items failed; they are fetched again when their lease expires",
                             metadata: ["error": "\(error)"])
                summary.changed -= pending.count
                summary.failed += pending.count
                summary.failures += pending.map { "\($0.feed.url): storing failed: \(error)" }
            }
        }
        summary.seconds = Monotonic.seconds() - started
        return summary
    }

    /// Stage 4 over `pending` (and whatever the settle window lets go now).
    private func judgeSettled(_ pending: [DeferredFeed], config: RuntimeConfig, catalog: FeedCatalog, judgeAtOnce: Bool,
                              into summary: inout CycleSummary) async throws {
        let judging = JudgeStage(store: store, judge: judge, articles: articles, logger: logger)
        let outcome = try await judging.run(pending, context: CycleContext(config: config, catalog: catalog, leased: []),
                                            judgeAtOnce: judgeAtOnce)
        summary.newItems += outcome.newItems
        summary.judged += outcome.judged
        summary.alerts += outcome.alerts
        summary.alertKinds.merge(outcome.alertKinds, uniquingKeysWith: +)
        if pending.isEmpty && outcome.judged > 0 {
            logger.info("judged \(outcome.judged) settled items", metadata: ["alerts": "\(outcome.alerts)"])
        }
    }

    /// Whether items wait in the settle window and the earliest one's wait is over (or `judgeAtOnce`).
    private func settledItemsAreDue(config: RuntimeConfig, judgeAtOnce: Bool) async throws -> Bool {
        let store = self.store, settle = config.config.coverage.settle
        guard let deadline = try await Blocking.run({ try SettleWindow.nextDeadline(store: store, settle: settle) }) else {
            return false
        }
        return judgeAtOnce || settle <= 0 || deadline <= Date()
    }
}

/// Where the ingested feeds go while the fetch stage runs: counted in the summary, and queued for writing
/// (`FeedWriteQueue`) or held for judging.
final class CycleOutcomes: Sendable {
    let writes: FeedWriteQueue
    let lease: LeaseStage
    let tally = Locked(CycleSummary())
    let deferred = Locked([DeferredFeed]())

    init(writes: FeedWriteQueue, lease: LeaseStage) {
        self.writes = writes
        self.lease = lease
    }

    func record(_ ingested: IngestedFeed?) async {
        switch ingested {
        case nil:
            return
        case .aborted(let feedID):
            tally.withLock { $0.aborted += 1; $0.feeds -= 1 }
            await lease.release(feedID: feedID)
        case .failed(let write, let failure):
            tally.withLock { $0.failed += 1; $0.failures.append(failure) }
            await writes.submit(write)
        case .notModified(let write):
            tally.withLock { $0.notModified += 1 }
            await writes.submit(write)
        case .offTopic(let write):
            tally.withLock { $0.changed += 1 }
            await writes.submit(write)
        case .onTopic(let feed):
            tally.withLock { $0.changed += 1 }
            deferred.withLock { $0.append(feed) }
        }
    }
}
