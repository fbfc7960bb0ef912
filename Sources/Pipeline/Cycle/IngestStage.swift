import Feeds
import Foundation
import Logging
import Store

/// Stage 3, ingest: one fetch result becomes what the store is to record. A body is parsed into items whose dedup
/// keys (canonical URL, content fingerprint) are computed here, once, on the parse worker rather than by the store
/// under its single write lock, and whose topics are matched here, once (judging and page selection reuse these
/// sets instead of tokenising again). Nothing is written: the cycle queues or defers what this returns.
struct IngestStage: Sendable {
    let logger: Logger

    /// Summaries shorter than this (characters) make a feed "summary only": its on-topic items' pages are fetched.
    static let shortSummary = 280

    /// What `result` (for one of `context`'s feeds) comes to; nil for a result of no leased feed.
    func ingest(_ result: FetchResult, context: CycleContext) -> IngestedFeed? {
        guard let feedID = Int64(result.request.key), let feed = context.feedsByID[feedID] else { return nil }
        let now = Date()
        let scheduling = FeedScheduling(feed: feed, policy: context.policy(for: feed), now: now)

        switch result.outcome {
        case .fetched(let body):
            return ingestBody(body, of: result, feed: feed, context: context, scheduling: scheduling, now: now)

        case .failed(.aborted):
            return .aborted(feedID: feedID)

        case .failed(let failure):
            var update = FeedFetchUpdate.failedFetch(of: feed, at: now, error: failure.description)
            // 410 retires; 429/503 wait for Retry-After; the rest back off exponentially with jitter.
            scheduling.apply(FetchObservation(result: result, changed: false, hints: PollHints()), to: &update)
            logger.warning("fetch failed", metadata: ["feed": "\(feed.url)", "error": "\(failure)"])
            return .failed(FeedWrite(feedID: feedID, update: update), failure: "\(feed.url): \(failure)")

        case .notModified(let metadata):
            var update = FeedFetchUpdate.reachedFeed(feed, state: .notModified, at: now,
                                                     etag: metadata.etag ?? feed.etag,
                                                     lastModified: metadata.lastModified ?? feed.lastModified)
            scheduling.apply(FetchObservation(result: result, changed: false, hints: PollHints()), to: &update)
            return .notModified(FeedWrite(feedID: feedID, update: update, host: HTTPHeaderValues.hostKey(of: feed.url)))
        }
    }

    /// A fetched body: parse, compute dedup keys, match topics.
    private func ingestBody(_ body: FetchedBody, of result: FetchResult, feed: FeedRecord, context: CycleContext,
                            scheduling: FeedScheduling, now: Date) -> IngestedFeed {
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
            return .failed(FeedWrite(feedID: feed.id, update: update), failure: "\(feed.url): parse error: \(error)")
        }
        let update = FeedFetchUpdate.reachedFeed(feed, state: .ok, at: now, etag: result.metadata.etag,
                                                 lastModified: result.metadata.lastModified)
        // Next due time, change rate and redirect confirmation are settled when the insert shows what is new.
        let settle = FetchedSchedule(
            scheduling: scheduling, permanentRedirect: result.metadata.permanentRedirect,
            hints: PollHints(metadata: result.metadata).merging(
                ttl: parsed.hints.ttlSeconds.map(TimeInterval.init),
                updatePeriod: parsed.hints.updateIntervalSeconds.map(TimeInterval.init)))
        let items = Self.items(of: parsed, firstSeen: now)
        let topics = items.map { context.matchingTopics(of: $0) }
        if topics.allSatisfy(\.isEmpty) {
            return .offTopic(FeedWrite(feedID: feed.id, update: update, items: items, settle: settle,
                                       host: HTTPHeaderValues.hostKey(of: feed.url)))
        }
        let fetchPages = (context.runtimeFeed(for: feed)?.fetchArticles ?? false) || Self.carriesOnlySummaries(parsed)
        return .onTopic(DeferredFeed(feed: feed, update: update, settle: settle, items: items, topics: topics,
                                     fetchPages: fetchPages))
    }

    /// The feed's entries as items with their dedup keys: the one place they are computed.
    static func items(of parsed: ParsedFeed, firstSeen: Date) -> [NewItem] {
        var items = parsed.entries.map { entry in
            var item = NewItem(entry: entry, firstSeen: firstSeen)
            item.canonicalURL = item.link.flatMap(CanonicalURL.canonicalize)
            return item
        }
        // The feed's fingerprints together: two items' hashes run side by side.
        let fingerprints = ContentFingerprint.of(items)
        for i in items.indices { items[i].fingerprint = fingerprints[i] }
        return items
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
}

/// What one fetch result comes to.
enum IngestedFeed: Sendable {
    /// The transfer was cut short by a shutdown: the lease is released and nothing is recorded.
    case aborted(feedID: Int64)
    /// The fetch or the parse failed; `failure` is "URL: reason".
    case failed(FeedWrite, failure: String)
    case notModified(FeedWrite)
    /// A parsed body none of whose items matches a topic: written as it is.
    case offTopic(FeedWrite)
    /// A parsed body with on-topic items: held for the judging transaction.
    case onTopic(DeferredFeed)
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
