import ArgumentParser
import Foundation
import Store

/// Hidden benchmark driver (bench/30-store.sh): ingests N items in per-feed transactions that look like the
/// pipeline's (feed state, items, and for some fetches a match, an event, facts and an alert to two sinks), then
/// measures the status query at that size. Prints one JSON object.
struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-bench", abstract: "Benchmark store ingest and status (bench/30-store.sh) on a new SQLite file or an empty PostgreSQL database.")

    @OptionGroup var location: StoreLocationOptions
    @Option(help: "Items to ingest.") var items = 1_000_000
    @Option(help: "Feeds the items are spread over.") var feeds = 1_000
    @Option(help: "Items per feed transaction.") var batch = 50
    @Option(help: "Status queries to time.") var statusRuns = 7

    func run() throws {
        let store = try location.open()
        let feedURLs = (0..<feeds).map { "https://site\($0 % 97).example/section/\($0)/feed.xml" }
        try store.syncFeeds(feedURLs.map { FeedSpec(url: $0) })
        let feedIDs = try store.read { reader in try feedURLs.compactMap { try reader.feed(configuredURL: $0)?.id } }
        let filler = "Officials said the talks covered supply schedules, joint exercises and the next round of "
            + "negotiations, which is expected to take place in the coming weeks according to people familiar. "
        let base = Date()
        // Items are made on a producer thread, dedup keys included, while this thread writes: the daemon's shape
        // (fetch workers parse and compute keys, one writer stores). The writer's own CPU is measured apart.
        let batches = BatchQueue(capacity: 16)
        let producer = Thread { [items, batch] in
            var produced = 0, transactions = 0
            while produced < items {
                let count = min(batch, items - produced)
                let feedIndex = transactions % feedIDs.count
                let now = base.addingTimeInterval(Double(transactions))
                let batchItems = NewItem.withDedupKeys((0..<count).map { offset -> NewItem in
                    let n = produced + offset
                    return NewItem(entryID: "tag:site\(feedIndex).example,2025:\(n)",
                                   title: "Story number \(n) about the defence talks in region \(n % 31)",
                                   link: "https://site\(feedIndex % 97).example/news/\(feedIndex)/\(n)?utm_source=rss&utm_medium=feed",
                                   published: now, firstSeen: now,
                                   summary: "Item \(n): " + filler)
                })
                batches.put(ProducedBatch(feedID: feedIDs[feedIndex], now: now, items: batchItems))
                produced += count
                transactions += 1
            }
            batches.finish(producerCPUSeconds: Self.threadCPUSeconds())
        }
        var produced = 0, newItems = 0, transactions = 0, alerts = 0
        let start = Date()
        let cpuStart = Self.processCPUSeconds()
        let writerCPUStart = Self.threadCPUSeconds()
        producer.start()
        var waitedForProducer = 0.0
        while true {
            let askedAt = Date()
            guard let next = batches.take() else { break }
            waitedForProducer += Date().timeIntervalSince(askedAt)
            let feedID = next.feedID, now = next.now, batchItems = next.items
            let judged = transactions % 10 == 0
            let fresh = try store.write { tx -> Int in
                try tx.updateFeed(id: feedID, .benchmarkFetch(at: now, etag: "\"\(transactions)\""))
                let inserted = try tx.insertItems(feedID: feedID, batchItems)
                let newOnes = inserted.filter(\.isNew)
                if judged, let first = newOnes.first {
                    let topic = "topic-\(transactions % 20)"
                    try tx.lockTopic(topic)
                    let open = try tx.openEvents(topic: topic)
                    var event = open.last ?? EventRecord(id: "evt-\(transactions)", topic: topic, title: "Event \(transactions)",
                                                         firstSeen: now, lastSeen: now, articleCount: 0)
                    event.articleCount += 1
                    event.lastSeen = now
                    event.state = Data(repeating: 7, count: 1024)
                    try tx.saveEvent(event)
                    try tx.recordMatches([TopicMatch(itemID: first.itemID, topic: topic, eventID: event.id, verdict: "new_facts")])
                    try tx.addFact(eventID: event.id, sentence: "Fact \(transactions).", fingerprint: "f\(transactions)")
                    try tx.enqueueAlert(id: "alert-\(transactions)", created: now, sinks: ["log", "webhook"],
                                        payload: #"{"id":"alert-\#(transactions)","topic":"\#(topic)"}"#)
                }
                return newOnes.count
            }
            if judged { alerts += 1 }
            newItems += fresh
            produced += batchItems.count
            transactions += 1
        }
        let ingestSeconds = Date().timeIntervalSince(start)
        // The machine is shared: CPU time of the writer thread says what storing costs apart from waiting for a core.
        let ingestCPUSeconds = Self.threadCPUSeconds() - writerCPUStart
        let processCPUSeconds = Self.processCPUSeconds() - cpuStart
        let grownIndex = try (store as? SQLiteStore)?.dedupIndexFootprint()
        if let sqliteStore = store as? SQLiteStore {
            try sqliteStore.checkpoint()
            try sqliteStore.optimize()
        }
        let bytes = try diskBytes(store)
        store.close()

        // Status from a fresh handle, as `tidings status` runs it.
        let reader = try location.open()
        defer { reader.close() }
        var latencies: [Double] = []
        var lastStatus: StoreStatus?
        for _ in 0..<max(1, statusRuns) {
            let began = Date()
            lastStatus = try reader.status(now: Date(), recentAlerts: 10)
            latencies.append(Date().timeIntervalSince(began) * 1000)
        }
        let sorted = latencies.sorted()
        // The first write after opening pays for loading SQLite's in-memory dedup keys (ItemKeyIndex) from disk:
        // a daemon restart's one-off cost. One already-known entry, so the store's contents do not change.
        let firstWriteStart = Date()
        _ = try reader.write { tx in
            try tx.insertItems(feedID: feedIDs[0], [NewItem(entryID: "tag:site0.example,2025:0", title: "Story number 0",
                                                            link: nil, published: base, firstSeen: base)])
        }
        let firstWriteMilliseconds = Date().timeIntervalSince(firstWriteStart) * 1000
        // SQLite's in-memory dedup keys: as loaded after reopening (sized for what is stored) and as grown by
        // ingest (a dictionary doubles, so up to twice that).
        let loadedIndex = try (reader as? SQLiteStore)?.dedupIndexFootprint()
        var result: [String: Any] = [
            "store": reader.description,
            "items": produced, "new_items": newItems, "transactions": transactions, "alerts": alerts,
            "ingest_seconds": ingestSeconds, "items_per_second": Double(produced) / ingestSeconds,
            "ingest_cpu_seconds": ingestCPUSeconds, "process_cpu_seconds": processCPUSeconds,
            "producer_cpu_seconds": batches.producerCPUSeconds, "writer_waited_for_producer_seconds": waitedForProducer, "items_per_cpu_second": Double(produced) / ingestCPUSeconds,
            "bytes_on_disk": bytes, "bytes_per_item": Double(bytes) / Double(max(produced, 1)),
            "status_ms_first": latencies[0], "status_ms_median": sorted[sorted.count / 2],
            "status_ms_max": sorted.last!, "status_items": lastStatus?.totals.items ?? 0,
            "first_write_ms_after_open": firstWriteMilliseconds,
        ]
        if let loadedIndex, let grownIndex {
            result["dedup_index_keys"] = loadedIndex.keys
            result["dedup_index_bytes_loaded"] = loadedIndex.bytes
            result["dedup_index_bytes_after_ingest"] = grownIndex.bytes
            result["dedup_index_bytes_per_item_loaded"] = Double(loadedIndex.bytes) / Double(max(produced, 1))
            result["dedup_index_bytes_per_item_after_ingest"] = Double(grownIndex.bytes) / Double(max(produced, 1))
        }
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    private static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    private func diskBytes(_ store: any Store) throws -> Int64 {
        if let sqliteStore = store as? SQLiteStore { return try sqliteStore.databaseBytes() }
        if let postgresStore = store as? PostgresStore { return try postgresStore.databaseBytes() }
        return 0
    }
}

/// One feed transaction's worth of items, made by the producer thread.
private struct ProducedBatch: Sendable {
    let feedID: Int64
    let now: Date
    let items: [NewItem]
}

/// A bounded hand-off between the producer thread and the writer: the producer waits when it is `capacity` ahead.
private final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [ProducedBatch] = []
    private var finished = false
    private let capacity: Int
    /// CPU time of the producer thread, set when it finishes: tells whether the writer ever waited for it.
    private(set) var producerCPUSeconds = 0.0

    init(capacity: Int) { self.capacity = capacity }

    func put(_ batch: ProducedBatch) {
        condition.lock()
        while batches.count >= capacity { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finish(producerCPUSeconds: Double) {
        condition.lock()
        finished = true
        self.producerCPUSeconds = producerCPUSeconds
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, or nil once the producer finished and everything was taken.
    func take() -> ProducedBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }
}

extension FeedFetchUpdate {
    /// What a benchmark's fetch of a feed writes (the store bench and the crash-safety stress): a new body at
    /// `now` with validator `etag`, the next poll 15 minutes later.
    static func benchmarkFetch(at now: Date, etag: String) -> FeedFetchUpdate {
        var update = FeedFetchUpdate(.newFeed)
        update.state = .ok
        update.etag = etag
        update.nextDue = now.addingTimeInterval(900)
        update.lastFetch = now
        update.lastSuccess = now
        return update
    }
}
