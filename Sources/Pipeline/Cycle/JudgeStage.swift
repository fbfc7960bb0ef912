import Config
import Coverage
import Feeds
import Foundation
import Logging
import Store

/// Stage 4, judge: the cycle's on-topic items become events, facts and alerts, in one store transaction.
///
/// Pages of summary-only feeds are fetched first, outside any transaction (network time must not hold the store's
/// write lock). Then, in one transaction: the deferred feeds' items are inserted (a repeat by guid, URL or
/// fingerprint is not new) and their feeds' rows updated; the new on-topic items are put in the contract's order
/// (published time, feed order, position); per topic they are judged against its open events (`TopicJudge`), and
/// each verdict is recorded: the event's timeline, its new facts, the match, and for `new_event` / `new_facts`
/// an `Alert` in the outbox, one row per sink. The commit makes the items, their verdicts and their alerts durable
/// together.
struct JudgeStage: Sendable {
    let store: any Store
    let judge: any TopicJudge
    let articles: ArticlePages?
    let logger: Logger

    struct Outcome { var newItems = 0, judged = 0, alerts = 0, alertKinds: [Metrics.AlertKind: Int] = [:] }

    /// `judgeAtOnce`: judge everything now, whatever `[coverage] settle` says (`poll --once`: its one cycle is its
    /// window). Otherwise the new on-topic items are held in the settle window (`SettleWindow`) and what is judged
    /// is everything held once the earliest held item has waited `settle`; `pending` may be empty then (a turn
    /// of the daemon that only judges what has settled).
    func run(_ pending: [DeferredFeed], context: CycleContext, judgeAtOnce: Bool = false) async throws -> Outcome {
        let pages = try await fetchPages(pending)
        let ordered = pending.sorted { context.feedOrder($0.feed) < context.feedOrder($1.feed) }
        let store = self.store
        let settle = context.config.config.coverage.settle
        return try await Blocking.run {
            try store.write { transaction in
                var outcome = Outcome()
                let arrived = try insert(ordered, pages: pages, context: context, window: settle > 0, in: transaction,
                                         outcome: &outcome)
                let now = Date()
                let candidates = Self.inContractOrder(try SettleWindow.take(
                    arrived: arrived, settle: settle, judgeAtOnce: judgeAtOnce, now: now, transaction: transaction,
                    feedOrder: context.feedOrder))
                for topic in context.config.topics {
                    let mine = candidates.filter { $0.topics.contains(topic.name) }
                    guard !mine.isEmpty else { continue }
                    try judge(topic, mine, config: context.config, in: transaction, now: now, outcome: &outcome)
                }
                return outcome
            }
        }
    }

    // MARK: - Pages

    /// The extracted text of the on-topic stories of summary-only (or `fetch_articles`) feeds, by link.
    private func fetchPages(_ pending: [DeferredFeed]) async throws -> [String: ArticlePageText] {
        guard let articles else { return [:] }
        let wanted = try await pageRequests(pending)
        let pages = wanted.isEmpty ? [:] : await articles.texts(for: wanted)
        for (url, page) in pages where page.fallbackReason != nil {
            logger.notice("article extraction failed; judging the feed's own text",
                          metadata: ["url": "\(url)", "reason": "\(page.fallbackReason!)"])
        }
        return pages
    }

    /// On-topic entries of summary-only (or `fetch_articles`) feeds that the store does not hold yet.
    private func pageRequests(_ pending: [DeferredFeed]) async throws -> [String] {
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

    // MARK: - In the transaction

    /// Inserts the deferred feeds' items (a fetched page's text replacing the feed's), updates their feeds' rows,
    /// and returns the new on-topic items. With a settle `window`, an on-topic cross-feed duplicate published
    /// earlier than its primary still waiting in the window takes the primary's place (`takeSettlingPlace`): the
    /// original is judged, the reprint polled first becomes its duplicate.
    private func insert(_ ordered: [DeferredFeed], pages: [String: ArticlePageText], context: CycleContext,
                        window: Bool, in transaction: StoreTransaction, outcome: inout Outcome) throws -> [Candidate] {
        let firstFetchBaseline = context.config.config.poll.firstFetch == .baseline
        var candidates: [Candidate] = []
        for deferredFeed in ordered {
            var items = deferredFeed.items
            for index in items.indices {
                if let link = items[index].link, let page = pages[link], let text = page.text {
                    items[index].content = text
                    // A feed text too short for a fingerprint: the page's text may carry one.
                    if items[index].fingerprint == nil { items[index] = NewItem.withDedupKeys([items[index]])[0] }
                }
            }
            let insertions = try transaction.insertItems(feedID: deferredFeed.feed.id, items)
            let added = insertions.filter { $0.outcome != .knownEntry }.count
            var update = deferredFeed.update
            deferredFeed.settle.apply(newItems: added, to: &update)
            try transaction.updateFeed(id: deferredFeed.feed.id, update)
            outcome.newItems += added
            let baseline = firstFetchBaseline && deferredFeed.feed.lastSuccess == nil
            for (position, (item, insertion)) in zip(items, insertions).enumerated() {
                // Matched on the feed's own text, as when the feed was deferred (cost follows interest).
                let topics = deferredFeed.topics[position]
                guard !topics.isEmpty else { continue }
                switch insertion.outcome {
                case .new: break
                case .duplicateURL(let primary), .duplicateContent(let primary):
                    // Taking the place needs no candidate: the waiting row, now this item's, is judged when it ends.
                    if window {
                        _ = try transaction.takeSettlingPlace(of: primary, by: insertion.itemID, feedID: deferredFeed.feed.id,
                                                              position: position, topics: topics, baseline: baseline)
                    }
                    continue
                case .knownEntry: continue
                }
                candidates.append(Candidate(item: item, itemID: insertion.itemID, feed: deferredFeed.feed,
                                            feedOrder: context.feedOrder(deferredFeed.feed), position: position,
                                            topics: topics, baseline: baseline))
            }
        }
        return candidates
    }

    /// The contract's order: published time, then feed order, then position in the feed.
    static func inContractOrder(_ candidates: [Candidate]) -> [Candidate] {
        candidates.sorted {
            let left = $0.item.published ?? $0.item.firstSeen, right = $1.item.published ?? $1.item.firstSeen
            if left != right { return left < right }
            if $0.feedOrder != $1.feedOrder { return $0.feedOrder < $1.feedOrder }
            return $0.position < $1.position
        }
    }

    /// Judges one topic's new articles against its open events (the topic locked) and records every verdict.
    private func judge(_ topic: CompiledTopic, _ mine: [Candidate], config: RuntimeConfig,
                       in transaction: StoreTransaction, now: Date, outcome: inout Outcome) throws {
        try transaction.lockTopic(topic.name)
        let articles = mine.map { candidate -> JudgeArticle in
            // The canonical URL the cycle computed (`NewItem.withDedupKeys`) is the one stored: no read back.
            let key = ArticleKey.make(canonicalURL: candidate.item.canonicalURL, link: candidate.item.link,
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
            try record(verdict, of: article, candidate: candidate, topic: topic.name, config: config,
                       in: transaction, now: now, outcome: &outcome)
        }
        try transaction.recordMatches(matches)
    }

    /// One verdict: the article on its event's timeline, the event's new facts, and the alert for the sinks.
    private func record(_ verdict: JudgeVerdict, of article: JudgeArticle, candidate: Candidate, topic: String,
                        config: RuntimeConfig, in transaction: StoreTransaction, now: Date,
                        outcome: inout Outcome) throws {
        if let eventID = verdict.eventID {
            // The event's timeline: every on-topic article in arrival order, with what it added.
            try transaction.appendEventArticle(EventArticleRecord(
                eventID: eventID, itemID: article.itemID,
                article: ArticleListing(title: article.title, url: article.url, feed: article.feedURL,
                                        feedName: candidate.feed.name, published: article.published, seen: article.firstSeen),
                verdict: verdict.verdict, newFacts: verdict.newFacts), now: now)
        }
        guard let alertVerdict = verdict.alertVerdict, let eventID = verdict.eventID else { return }
        for sentence in verdict.newFacts {
            try transaction.addFact(eventID: eventID, sentence: sentence,
                                    fingerprint: Hex.lowercase(SHA256.hash(sentence)))
        }
        if candidate.baseline { return }
        let sinks = config.config.alerts.filter { $0.accepts(topic: topic) && $0.receivesEachAlert }.map(\.name)
        // A digest sink is owed no single alert, but its digest is read from the stored alerts.
        let digested = config.config.alerts.contains { $0.accepts(topic: topic) && !$0.receivesEachAlert }
        guard !sinks.isEmpty || digested else { return }
        let alert = Alert(
            id: AlertID.make(topic: topic, articleKey: article.key), created: now, topic: topic,
            verdict: alertVerdict,
            event: .init(id: eventID, title: verdict.eventTitle ?? article.title,
                         firstSeen: verdict.eventFirstSeen ?? article.firstSeen,
                         articles: max(1, verdict.eventArticleCount)),
            article: .init(title: article.title, url: article.url ?? article.key,
                           canonicalURL: candidate.item.canonicalURL, feed: article.feedURL,
                           published: article.published),
            newFacts: verdict.newFacts)
        let owed = try transaction.enqueueAlert(id: alert.id, created: now, sinks: sinks, payload: alert.renderJSON())
        if !owed.isEmpty {
            outcome.alerts += 1
            outcome.alertKinds[Metrics.AlertKind(topic: topic, verdict: verdict.verdict), default: 0] += 1
        }
    }
}

/// A new on-topic item waiting for its verdict.
struct Candidate {
    var item: NewItem
    var itemID: Int64
    var feed: FeedRecord
    var feedOrder: Int
    var position: Int
    var topics: Set<String>
    var baseline: Bool
}
