import Config
import Coverage
import Feeds
import Foundation
import Logging
import Store
import Synchronization

/// The outcome of one poll cycle, for the `poll --once` summary line and the daemon's STATUS=.
public struct CycleSummary: Sendable, Equatable {
    public var feeds = 0
    public var changed = 0
    public var notModified = 0
    public var failed = 0
    /// Items this cycle stored that the feed had not published before.
    public var newItems = 0
    /// Feeds whose transfer was aborted by a shutdown (their leases are released; nothing was recorded).
    public var aborted = 0
    public var judged = 0
    public var alerts = 0
    /// Alerts made, per topic and verdict (for `/metrics`).
    public var alertKinds: [Metrics.AlertKind: Int] = [:]
    public var seconds: Double = 0
    /// One line per feed that failed: "URL: reason".
    public var failures: [String] = []

    public init() {}

    /// `polled N feeds: A changed, B not modified, C failed, D new items in S s`
    public var line: String {
        "polled \(feeds) feeds: \(changed) changed, \(notModified) not modified, \(failed) failed, \(newItems) new items in "
            + String(format: "%.1f", seconds) + " s"
    }
}

/// One pass over the due feeds: lease → fetch → parse → store → judge → outbox.
///
/// Durability: a feed whose items match no topic is written in one transaction as its fetch completes (fetch
/// state, items). A feed with on-topic items is written later, in the one transaction that also judges the
/// cycle's new on-topic items (in published-time order, then feed order, then position) and enqueues their
/// alerts. A crash before that commit leaves those feeds' conditional-GET state and items unwritten, so they are
/// fetched and judged again after the lease expires: nothing is lost, nothing is alerted twice (alert ids are
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

    /// Summaries shorter than this (characters) make a feed "summary only": its on-topic items' pages are fetched.
    public static let shortSummary = 280

    public init(store: any Store, fetcher: Fetcher, judge: any TopicJudge, articles: ArticlePages?, owner: String,
                logger: Logger) {
        self.store = store
        self.fetcher = fetcher
        self.judge = judge
        self.articles = articles
        self.owner = owner
        self.logger = logger
    }

    /// Feeds leased (and fetched) at a time. The next chunk is leased while the last transfers of the current
    /// one run, so the fetcher never runs dry; a chunk bounds the cycle's per-feed memory (rows, requests,
    /// queued transfers) whatever the number of feeds. On a store several daemons share, chunks are a few
    /// rounds of transfers only, so daemons that start a cycle together each get a part of it (with 1,024, the
    /// first to lease took nearly every feed of a 1,000-feed cycle).
    public static func chunkSize(for poll: PollSettings, sharedStore: Bool = false) -> Int {
        sharedStore ? max(64, poll.concurrency * 4) : max(1024, poll.concurrency * 16)
    }

    /// Runs one cycle over the due feeds (`all`: every active feed). `progress` is told (done, leased so far)
    /// after each feed. `chunkSize` overrides `chunkSize(for:)` (tests).
    public func run(config: RuntimeConfig, all: Bool = false, limit: Int = 100_000, chunkSize: Int? = nil,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> CycleSummary {
        let started = Monotonic.seconds()
        // Every chunk is leased with the cycle's start as "now": a feed fetched in this cycle is due again only
        // after its interval, so it is not leased twice (with `--all` too: `makeFeedsDue` made every feed due
        // at this instant, not at some far future one).
        let now = Date()
        let leaseFor = Self.leaseDuration(for: config.config.poll)
        let chunkSize = max(1, chunkSize ?? Self.chunkSize(for: config.config.poll, sharedStore: store.sharedByDaemons))
        let store = self.store, owner = self.owner
        if all { _ = try await Blocking.run { try store.makeFeedsDue(now: now) } }
        let remaining = Locked(limit)
        @Sendable func lease() async throws -> [FeedRecord] {
            let wanted = remaining.withLock { min($0, chunkSize) }
            guard wanted > 0 else { return [] }
            // The lease runs leaseFor from the moment of leasing, however late in the cycle that is.
            let elapsed = max(0, Date().timeIntervalSince(now))
            let leased = try await Blocking.run {
                try store.leaseDueFeeds(now: now, limit: wanted, owner: owner, leaseFor: leaseFor + elapsed)
            }
            remaining.withLock { $0 -= leased.count }
            return leased
        }

        let first = try await lease()
        guard !first.isEmpty else {
            var summary = CycleSummary()
            summary.seconds = Monotonic.seconds() - started
            return summary
        }
        let catalog = FeedCatalog(config: config)
        // Syncing, leasing and the dead-lease check read many feed rows: their garbage goes back before the
        // cycle's own working set grows.
        MallocTuning.trim()

        let tally = Locked(CycleSummary())
        let deferred = Locked([DeferredFeed]())
        let done = Locked(0)
        let leasedSoFar = Locked(0)
        let writes = FeedWriteQueue(store: store, logger: logger)
        // One more parse worker than cores: while one waits for room in the write queue the others parse.
        let workers = ProcessInfo.processInfo.activeProcessorCount + 1
        // The next chunk is leased this many results before the current one ends: by then every transfer of
        // the current chunk has started, and the fetcher's queue gets the next ones before a slot idles.
        let lookahead = config.config.poll.concurrency * 2
        let fetcher = self.fetcher
        @Sendable func start(_ leased: [FeedRecord]) -> CycleChunk {
            tally.withLock { $0.feeds += leased.count }
            leasedSoFar.withLock { $0 += leased.count }
            let requests = leased.map {
                FetchRequest(key: String($0.id), url: $0.url, etag: $0.etag, lastModified: $0.lastModified)
            }
            return CycleChunk(context: CycleContext(config: config, catalog: catalog, leased: leased),
                              results: fetcher.fetch(requests), full: leased.count == chunkSize)
        }

        // One consumer task per chunk. Consecutive chunks overlap (the next one is leased and fetched while the
        // current one ends), and both are consumed as their results arrive: a chunk whose results waited for
        // the previous one to finish could hold the fetcher's body buffer full while the previous chunk's last
        // transfers wait for room in it (several hosts, per-host limits), and neither would move.
        let (events, nearEnd) = AsyncStream<ChunkEvent>.makeStream()
        @Sendable func consume(_ chunk: CycleChunk) async {
            let context = chunk.context
            if !chunk.full { nearEnd.yield(.last) }
            var askedForMore = !chunk.full
            var consumed = 0
            await withTaskGroup(of: Void.self) { workersGroup in
                var running = 0
                for await result in chunk.results {
                    consumed += 1
                    // Aborted transfers mean the fetcher is shutting down: their feeds are due again at once, so
                    // leasing on would only lease them again.
                    if !askedForMore, case .failed(.aborted) = result.outcome {
                        askedForMore = true
                        nearEnd.yield(.last)
                    }
                    if !askedForMore, consumed >= context.feedsByID.count - lookahead {
                        askedForMore = true
                        nearEnd.yield(.more)
                    }
                    // Only a body needs a worker (parsing); a 304 or a failure is settled here, without a task.
                    guard case .fetched(let body) = result.outcome else {
                        await self.handleWithoutBody(result, context: context, tally: tally, writes: writes)
                        let count = done.withLock { $0 += 1; return $0 }
                        progress?(count, leasedSoFar.value)
                        continue
                    }
                    if running >= workers {
                        await workersGroup.next()
                        running -= 1
                    }
                    running += 1
                    workersGroup.addTask {
                        await self.handleBody(body, of: result, context: context, tally: tally, deferred: deferred,
                                              writes: writes)
                        let count = done.withLock { $0 += 1; return $0 }
                        progress?(count, leasedSoFar.value)
                    }
                }
            }
            // A chunk whose results ended early (shutdown) still lets the cycle finish.
            if !askedForMore { nearEnd.yield(.last) }
        }

        await withTaskGroup(of: Void.self) { consumers in
            let firstChunk = start(first)
            consumers.addTask { await consume(firstChunk) }
            for await event in events {
                guard event == .more, !Task.isCancelled else { break }
                do {
                    let next = try await lease()
                    guard !next.isEmpty else { break }
                    let chunk = start(next)
                    consumers.addTask { await consume(chunk) }
                } catch {
                    logger.error("leasing more due feeds failed; this cycle ends with the feeds it has",
                                 metadata: ["error": "\(error)"])
                    break
                }
            }
            nearEnd.finish()
        }
        let written = await writes.finish()
        tally.withLock { $0.newItems += written.newItems }
        await spreadHosts(writes.scheduled, poll: config.config.poll)

        let pending = deferred.withLock { $0 }
        if !pending.isEmpty {
            do {
                let outcome = try await judgeAndStore(pending, context: CycleContext(config: config, catalog: catalog, leased: []))
                tally.withLock {
                    $0.newItems += outcome.newItems
                    $0.judged += outcome.judged
                    $0.alerts += outcome.alerts
                    $0.alertKinds.merge(outcome.alertKinds, uniquingKeysWith: +)
                }
            } catch {
                logger.error("storing and judging \(pending.count) feeds with on-topic items failed; they are fetched again when their lease expires",
                             metadata: ["error": "\(error)"])
                tally.withLock {
                    $0.changed -= pending.count
                    $0.failed += pending.count
                    $0.failures += pending.map { "\($0.feed.url): storing failed: \(error)" }
                }
            }
        }
        var summary = tally.withLock { $0 }
        summary.seconds = Monotonic.seconds() - started
        return summary
    }

    // MARK: - One fetch result

    /// A 304, a failure or an aborted transfer: nothing to parse, only the feed's row to update.
    private func handleWithoutBody(_ result: FetchResult, context: CycleContext, tally: Locked<CycleSummary>,
                                   writes: FeedWriteQueue) async {
        guard let feedID = Int64(result.request.key), let feed = context.feedsByID[feedID] else { return }
        let store = self.store, owner = self.owner
        let now = Date()
        let scheduling = FeedScheduling(feed: feed, policy: context.policy(for: feed), now: now)

        switch result.outcome {
        case .fetched:
            preconditionFailure("bodies go to handleBody")

        case .failed(.aborted):
            tally.withLock { $0.aborted += 1; $0.feeds -= 1 }
            try? await Blocking.run { try store.releaseFeedLease(feedID: feedID, owner: owner) }

        case .failed(let failure):
            var update = FeedFetchUpdate.failedFetch(of: feed, at: now, error: failure.description)
            // 410 retires; 429/503 wait for Retry-After; the rest back off exponentially with jitter.
            scheduling.apply(FetchObservation(result: result, changed: false, hints: PollHints()), to: &update)
            logger.warning("fetch failed", metadata: ["feed": "\(feed.url)", "error": "\(failure)"])
            tally.withLock { $0.failed += 1; $0.failures.append("\(feed.url): \(failure)") }
            await writes.submit(FeedWrite(feedID: feedID, update: update))

        case .notModified(let metadata):
            var update = FeedFetchUpdate.reachedFeed(feed, state: .notModified, at: now,
                                                     etag: metadata.etag ?? feed.etag,
                                                     lastModified: metadata.lastModified ?? feed.lastModified)
            scheduling.apply(FetchObservation(result: result, changed: false, hints: PollHints()), to: &update)
            tally.withLock { $0.notModified += 1 }
            await writes.submit(FeedWrite(feedID: feedID, update: update, host: HTTPHeaderValues.hostKey(of: feed.url)))
        }
    }

    /// A fetched body: parse, compute dedup keys, match topics, then queue the write (or defer it to judging).
    private func handleBody(_ body: FetchedBody, of result: FetchResult, context: CycleContext,
                            tally: Locked<CycleSummary>, deferred: Locked<[DeferredFeed]>,
                            writes: FeedWriteQueue) async {
        guard let feedID = Int64(result.request.key), let feed = context.feedsByID[feedID] else { return }
        let now = Date()
        let scheduling = FeedScheduling(feed: feed, policy: context.policy(for: feed), now: now)
        let parsed: ParsedFeed
        do {
            parsed = try FeedParser.parse(body.bytes, options: FeedParseOptions(
                charsetHint: body.charset, sourceURL: result.metadata.effectiveURL,
                maxBytes: context.config.config.poll.maxBytes, keepParagraphBreaks: true))
        } catch {
            var update = FeedFetchUpdate.failedFetch(of: feed, at: now, error: "parse error: \(error)")
            scheduling.apply(FetchObservation(kind: .failed(reason: "parse error", retryAfter: nil, gone: false)),
                             to: &update)
            logger.warning("feed cannot be parsed", metadata: ["feed": "\(feed.url)", "error": "\(error)"])
            tally.withLock { $0.failed += 1; $0.failures.append("\(feed.url): parse error: \(error)") }
            await writes.submit(FeedWrite(feedID: feedID, update: update))
            return
        }
        let update = FeedFetchUpdate.reachedFeed(feed, state: .ok, at: now, etag: result.metadata.etag,
                                                 lastModified: result.metadata.lastModified)
        // Next due time, change rate and redirect confirmation are settled when the insert shows what is new.
        let settle = FetchedSchedule(
            scheduling: scheduling, permanentRedirect: result.metadata.permanentRedirect,
            hints: PollHints(metadata: result.metadata).merging(
                ttl: parsed.hints.ttlSeconds.map(TimeInterval.init),
                updatePeriod: parsed.hints.updateIntervalSeconds.map(TimeInterval.init)))
        // Dedup keys are computed here, on this worker, rather than by the store under its single write lock.
        var items = parsed.entries.map { entry in
            var item = NewItem(entry: entry, firstSeen: now)
            item.canonicalURL = item.link.flatMap(CanonicalURL.canonicalize)
            return item
        }
        // The feed's fingerprints together: two items' hashes run side by side.
        let fingerprints = ContentFingerprint.of(items)
        for i in items.indices { items[i].fingerprint = fingerprints[i] }
        tally.withLock { $0.changed += 1 }

        // Matched once per item here; judging and page selection reuse these sets instead of tokenising again.
        let topics = items.map { context.matchingTopics(of: $0) }
        if topics.allSatisfy(\.isEmpty) {
            await writes.submit(FeedWrite(feedID: feedID, update: update, items: items, settle: settle,
                                          host: HTTPHeaderValues.hostKey(of: feed.url)))
        } else {
            let summaryOnly = Self.carriesOnlySummaries(parsed)
            deferred.withLock {
                $0.append(DeferredFeed(feed: feed, update: update, settle: settle, items: items, topics: topics,
                                       fetchPages: (context.runtimeFeed(for: feed)?.fetchArticles ?? false) || summaryOnly))
            }
        }
    }

    // MARK: - Spreading the next polls of one host

    /// Least time between the next polls of two feeds of one host (shrunk when a host has more feeds than fit
    /// in the window at this spacing).
    public static let hostSpacing: TimeInterval = 2

    /// Due feeds of one host are spread out, not burst: feeds fetched together would otherwise come due together
    /// again, their jitter alone leaving clusters. `Scheduler.stagger` moves a feed's next poll later (never
    /// earlier) until it is `hostSpacing` after the previous one of its host, within a window of the jitter's
    /// share of the poll interval. Only feeds that move are written, in one transaction, and only while nothing
    /// else changed them (not leased again, same due time); a crash before it leaves the unspread times, which
    /// are as valid.
    private func spreadHosts(_ scheduled: [FeedWriteQueue.ScheduledFeed], poll: PollSettings) async {
        var perHost: [String: Int] = [:]
        for feed in scheduled { perHost[feed.host, default: 0] += 1 }
        let shared = scheduled.filter { perHost[$0.host, default: 0] > 1 }
        guard !shared.isEmpty else { return }
        var random = SystemRandomNumberGenerator()
        let window = poll.interval * SchedulePolicy(interval: poll.interval).jitter
        let spread = Scheduler.stagger(shared.map { DueFeed(key: String($0.feedID), host: $0.host, due: $0.nextDue) },
                                       spacing: Self.hostSpacing, window: window, using: &random)
        let before = Dictionary(shared.map { (String($0.feedID), $0.nextDue) }, uniquingKeysWith: { first, _ in first })
        let moves = spread.compactMap { feed -> NextDueMove? in
            // Sub-second moves are not worth a row write: they change nothing a host would notice.
            guard let id = Int64(feed.key), let old = before[feed.key], feed.due.timeIntervalSince(old) >= 0.5 else { return nil }
            return NextDueMove(feedID: id, from: old, to: feed.due)
        }
        guard !moves.isEmpty else { return }
        let store = self.store
        do {
            _ = try await Blocking.run { try store.moveNextDue(moves) }
        } catch {
            logger.warning("spreading the next polls of shared hosts failed; they keep their own jittered times",
                           metadata: ["feeds": "\(moves.count)", "error": "\(error)"])
        }
    }

    /// True when no entry carries more than a short summary: the story itself is only on its page.
    static func carriesOnlySummaries(_ feed: ParsedFeed) -> Bool {
        guard !feed.entries.isEmpty else { return false }
        return feed.entries.allSatisfy { entry in
            let text = entry.content ?? entry.summary ?? ""
            // Bounded: counting every Character of a long article only to compare it with 280 is wasted work.
            return text.utf8.count < shortSummary || text.prefix(shortSummary).count < shortSummary
        }
    }

    // MARK: - Judging

    struct JudgeOutcome { var newItems = 0, judged = 0, alerts = 0, alertKinds: [Metrics.AlertKind: Int] = [:] }

    private func judgeAndStore(_ pending: [DeferredFeed], context: CycleContext) async throws -> JudgeOutcome {
        // Pages first, outside any transaction: network time must not hold the store's write lock.
        var fetchedPages: [String: ArticlePageText] = [:]
        if let articles {
            let wanted = try await pageRequests(pending, context: context)
            if !wanted.isEmpty { fetchedPages = await articles.texts(for: wanted) }
            for (url, page) in fetchedPages where page.fallbackReason != nil {
                logger.notice("article extraction failed; judging the feed's own text",
                              metadata: ["url": "\(url)", "reason": "\(page.fallbackReason!)"])
            }
        }
        let pages = fetchedPages
        let store = self.store, judge = self.judge, config = context.config
        let sinkNames = config.config.alerts.map { ($0.name, $0) }
        let firstFetchBaseline = config.config.poll.firstFetch == .baseline
        let ordered = pending.sorted { context.feedOrder($0.feed) < context.feedOrder($1.feed) }

        return try await Blocking.run {
            try store.write { transaction in
                var outcome = JudgeOutcome()
                var candidates: [Candidate] = []
                for deferredFeed in ordered {
                    var items = deferredFeed.items
                    for index in items.indices {
                        if let link = items[index].link, let page = pages[link], let text = page.text {
                            items[index].content = text
                        }
                    }
                    let insertions = try transaction.insertItems(feedID: deferredFeed.feed.id, items)
                    let added = insertions.filter { $0.outcome != .knownEntry }.count
                    var update = deferredFeed.update
                    deferredFeed.settle.apply(newItems: added, to: &update)
                    try transaction.updateFeed(id: deferredFeed.feed.id, update)
                    outcome.newItems += added
                    let baseline = firstFetchBaseline && deferredFeed.feed.lastSuccess == nil
                    for (position, (item, insertion)) in zip(items, insertions).enumerated() where insertion.isNew {
                        // Matched on the feed's own text, as when the feed was deferred (cost follows interest).
                        let topics = deferredFeed.topics[position]
                        guard !topics.isEmpty else { continue }
                        candidates.append(Candidate(item: item, itemID: insertion.itemID, feed: deferredFeed.feed,
                                                    feedOrder: context.feedOrder(deferredFeed.feed), position: position,
                                                    topics: topics, baseline: baseline))
                    }
                }
                // The contract's order: published time, then feed order, then position in the feed.
                candidates.sort {
                    let left = $0.item.published ?? $0.item.firstSeen, right = $1.item.published ?? $1.item.firstSeen
                    if left != right { return left < right }
                    if $0.feedOrder != $1.feedOrder { return $0.feedOrder < $1.feedOrder }
                    return $0.position < $1.position
                }
                let now = Date()
                for topic in config.topics {
                    let mine = candidates.filter { $0.topics.contains(topic.name) }
                    guard !mine.isEmpty else { continue }
                    try transaction.lockTopic(topic.name)
                    let articles = try mine.map { candidate -> JudgeArticle in
                        let stored = try transaction.item(id: candidate.itemID)
                        let key = ArticleKey.make(canonicalURL: stored?.canonicalURL, link: candidate.item.link,
                                                  guid: candidate.item.entryID, feedURL: candidate.feed.configuredURL)
                        return JudgeArticle(itemID: candidate.itemID, key: key, title: candidate.item.title,
                                            text: candidate.item.judgeableText, url: candidate.item.link,
                                            feedURL: candidate.feed.configuredURL, published: candidate.item.published,
                                            firstSeen: candidate.item.firstSeen)
                    }
                    let before = try transaction.openEvents(topic: topic.name)
                    let (verdicts, events) = try judge.judge(topic: topic, articles: articles, openEvents: before,
                                                          transaction: transaction, now: now)
                    let unchanged = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                    for event in events where unchanged[event.id] != event { try transaction.saveEvent(event) }
                    outcome.judged += articles.count
                    var matches: [TopicMatch] = []
                    for ((candidate, article), verdict) in zip(zip(mine, articles), verdicts) {
                        matches.append(TopicMatch(itemID: article.itemID, topic: topic.name, eventID: verdict.eventID,
                                                  verdict: verdict.verdict))
                        if let eventID = verdict.eventID {
                            // The event's timeline: every on-topic article in arrival order, with what it added.
                            try transaction.appendEventArticle(EventArticleRecord(
                                eventID: eventID, itemID: article.itemID, title: article.title, url: article.url,
                                feed: article.feedURL, feedName: candidate.feed.name, published: article.published,
                                seen: article.firstSeen, verdict: verdict.verdict, newFacts: verdict.newFacts), now: now)
                        }
                        guard let alertVerdict = verdict.alertVerdict, let eventID = verdict.eventID else { continue }
                        if !verdict.newFacts.isEmpty {
                            try transaction.addFacts(verdict.newFacts.map {
                                FactRecord(eventID: eventID, sentence: $0, fingerprint: Hex.lowercase(SHA256.hash($0)))
                            })
                        }
                        if candidate.baseline { continue }
                        let sinks = sinkNames.filter { $0.1.accepts(topic: topic.name) && $0.1.receivesEachAlert }.map(\.0)
                        // A digest sink is owed no single alert, but its digest is read from the stored alerts.
                        let digested = sinkNames.contains { $0.1.accepts(topic: topic.name) && !$0.1.receivesEachAlert }
                        let stored = try transaction.item(id: article.itemID)
                        let alert = Alert(
                            id: AlertID.make(topic: topic.name, articleKey: article.key), created: now, topic: topic.name,
                            verdict: alertVerdict,
                            event: .init(id: eventID, title: verdict.eventTitle ?? article.title,
                                         firstSeen: verdict.eventFirstSeen ?? article.firstSeen,
                                         articles: max(1, verdict.eventArticleCount)),
                            article: .init(title: article.title, url: article.url ?? article.key,
                                           canonicalURL: stored?.canonicalURL, feed: article.feedURL,
                                           published: article.published),
                            newFacts: verdict.newFacts)
                        if !sinks.isEmpty || digested {
                            let owed = try transaction.enqueueAlert(id: alert.id, created: now, sinks: sinks,
                                                                    payload: alert.renderJSON())
                            if !owed.isEmpty {
                                outcome.alerts += 1
                                outcome.alertKinds[Metrics.AlertKind(topic: topic.name, verdict: verdict.verdict), default: 0] += 1
                            }
                        }
                    }
                    try transaction.recordMatches(matches)
                }
                return outcome
            }
        }
    }

    /// On-topic entries of summary-only (or `fetch_articles`) feeds that the store does not hold yet.
    private func pageRequests(_ pending: [DeferredFeed], context: CycleContext) async throws -> [String] {
        let store = self.store
        var urls: [String] = []
        for deferredFeed in pending where deferredFeed.fetchPages {
            let known = try await Blocking.run {
                try store.read { reader in
                    Set(try reader.items(feedID: deferredFeed.feed.id, limit: deferredFeed.items.count + 100).map(\.entryID))
                }
            }
            for (item, topics) in zip(deferredFeed.items, deferredFeed.topics) where !known.contains(item.entryID) && !topics.isEmpty {
                if let link = item.link, link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("file:") {
                    urls.append(link)
                }
            }
        }
        return urls
    }
}

/// A fetched feed held back until the judging transaction.
struct DeferredFeed: Sendable {
    var feed: FeedRecord
    var update: FeedFetchUpdate
    var settle: FetchedSchedule
    var items: [NewItem]
    /// The topics each item matched when it was fetched, position by position.
    var topics: [Set<String>]
    var fetchPages: Bool
}

struct Candidate {
    var item: NewItem
    var itemID: Int64
    var feed: FeedRecord
    var feedOrder: Int
    var position: Int
    var topics: Set<String>
    var baseline: Bool
}

/// What a chunk's consumer tells the cycle: lease the next chunk now, or there is none after this one.
enum ChunkEvent: Sendable, Equatable { case more, last }

/// One chunk of leased feeds and the stream of their fetch results.
struct CycleChunk: Sendable {
    let context: CycleContext
    let results: AsyncStream<FetchResult>
    /// A full chunk: more feeds may be due after it.
    let full: Bool
}

/// The configured feeds by URL, built once per cycle (not per chunk): position in the configuration (the
/// contract's feed order) and the feed's own settings.
final class FeedCatalog: Sendable {
    let config: RuntimeConfig
    private let indexByURL: [String: Int]

    init(config: RuntimeConfig) {
        self.config = config
        indexByURL = Dictionary(config.feeds.enumerated().map { ($1.url, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func index(of configuredURL: String) -> Int? { indexByURL[configuredURL] }
}

/// What every result handler of one chunk reads.
struct CycleContext: Sendable {
    let config: RuntimeConfig
    let catalog: FeedCatalog
    let feedsByID: [Int64: FeedRecord]

    init(config: RuntimeConfig, catalog: FeedCatalog, leased: [FeedRecord]) {
        self.config = config
        self.catalog = catalog
        feedsByID = Dictionary(leased.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func runtimeFeed(for feed: FeedRecord) -> RuntimeFeed? { catalog.index(of: feed.configuredURL).map { config.feeds[$0] } }
    func feedOrder(_ feed: FeedRecord) -> Int { catalog.index(of: feed.configuredURL) ?? Int.max }

    func policy(for feed: FeedRecord) -> SchedulePolicy {
        let poll = config.config.poll
        return SchedulePolicy(interval: runtimeFeed(for: feed)?.interval ?? poll.interval, minInterval: poll.minInterval,
                              maxInterval: poll.maxInterval)
    }

    /// Topics whose query matches the item's title and feed text (before any page is fetched: cost follows interest).
    func matchingTopics(of item: NewItem) -> Set<String> {
        guard !config.topics.isEmpty else { return [] }
        let text = MatchableText(title: item.title, text: item.judgeableText, vocabulary: config.vocabulary)
        // Most items match nothing: no array or set is built for them.
        var names: Set<String> = []
        for topic in config.topics where topic.query.matches(text) { names.insert(topic.name) }
        return names
    }
}

extension FeedFetchUpdate {
    /// A fetch that reached the feed (200 or 304): its failures are over, its validators are the ones given.
    static func reachedFeed(_ feed: FeedRecord, state: FeedState, at now: Date, etag: String?,
                            lastModified: String?) -> FeedFetchUpdate {
        var update = FeedFetchUpdate(from: feed)
        update.state = state
        update.lastFetch = now
        update.lastSuccess = now
        update.consecutiveFailures = 0
        update.lastError = nil
        update.etag = etag
        update.lastModified = lastModified
        return update
    }

    /// A fetch that failed: the feed keeps its validators; the scheduler then decides state and backoff.
    static func failedFetch(of feed: FeedRecord, at now: Date, error: String) -> FeedFetchUpdate {
        var update = FeedFetchUpdate(from: feed)
        update.lastFetch = now
        update.lastError = error
        return update
    }
}

extension NewItem {
    init(entry: FeedEntry, firstSeen: Date) {
        // Markup that is its own plain text (a description without tags or entities, as many feeds send) is not
        // kept twice: it would double what each item costs to write and to hold in the write queue.
        let html = entry.contentHTML ?? entry.summaryHTML
        let text = entry.contentHTML != nil ? entry.content : entry.summary
        self.init(entryID: entry.stableID, title: entry.title ?? "", link: entry.link, published: entry.published ?? entry.updated,
                  firstSeen: firstSeen, summary: entry.summary, content: entry.content, html: html == text ? nil : html)
    }

    /// The longest text the feed carries for the item (content, else summary).
    var judgeableText: String {
        let content = self.content ?? "", summary = self.summary ?? ""
        // UTF-8 length, not Characters: O(1) on native strings, and this runs for every item of every feed.
        return content.utf8.count >= summary.utf8.count ? content : summary
    }
}
