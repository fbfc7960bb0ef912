import ArgumentParser
import Foundation
import Store

/// Hidden test driver for crash safety: ingests continuously, one transaction per simulated fetch (feed state,
/// items, matches, events, facts and an alert), and appends each alert id to a log only AFTER its transaction
/// committed. A test kills it with SIGKILL at random instants and then checks every logged id is in the store.
struct StoreStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-stress", abstract: "Ingest continuously into a store (crash-safety test driver).")

    @OptionGroup var location: StoreLocationOptions
    @Option(help: "File that receives each committed alert id, one per line.") var log: String
    @Option(help: "Feeds to spread the ingest over.") var feeds = 40
    @Option(help: "Items per transaction.") var items = 20
    @Option(help: "Stop after this many transactions (0: run until killed).") var transactions = 0

    func run() throws {
        let store = try location.open()
        defer { store.close() }
        // Append across runs: the test restarts the driver on the same log after every kill.
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        guard let logHandle = FileHandle(forWritingAtPath: log)
        else { throw ValidationError("cannot write \(log)") }
        try logHandle.seekToEnd()

        let run = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let feedURLs = (0..<feeds).map { "https://stress\($0).example/feed.xml" }
        try store.syncFeeds(feedURLs.map { FeedSpec(url: $0) })
        let feedIDs = try store.read { reader in try feedURLs.compactMap { try reader.feed(configuredURL: $0)?.id } }
        let topics = ["alpha", "beta", "gamma"]
        let sinks = ["log", "hook"]
        var previousEntries: [Int64: [String]] = [:]
        var transaction = 0
        while transactions == 0 || transaction < transactions {
            transaction += 1
            let feedID = feedIDs[transaction % feedIDs.count]
            let topic = topics[transaction % topics.count]
            let now = Date()
            let alertID = "\(run)-\(transaction)"
            var entries = (0..<items).map { "\(run)-\(transaction)-\($0)" }
            // Feeds repeat their recent entries: those must come back as known, not new.
            entries += previousEntries[feedID]?.prefix(items / 2) ?? []
            try store.write { tx in
                try tx.updateFeed(id: feedID, .benchmarkFetch(at: now, etag: "\"\(transaction)\""))
                let inserted = try tx.insertItems(feedID: feedID, NewItem.withDedupKeys(entries.map { entry in
                    NewItem(entryID: entry, title: "Story \(entry) on \(topic)", link: "https://news.example/\(entry)?utm_source=rss",
                            published: now, firstSeen: now, summary: "Summary of \(entry), with enough words to matter.")
                }))
                let fresh = inserted.filter(\.isNew)
                try tx.lockTopic(topic)
                let open = try tx.openEvents(topic: topic)
                var event = open.last ?? EventRecord(id: "evt-\(alertID)", topic: topic, title: "Event \(alertID)",
                                                     firstSeen: now, lastSeen: now, articleCount: 0)
                event.articleCount += fresh.count
                event.lastSeen = now
                event.state = Data(repeating: UInt8(transaction % 251), count: 2048)
                try tx.saveEvent(event)
                try tx.recordMatches(fresh.map { TopicMatch(itemID: $0.itemID, topic: topic, eventID: event.id, verdict: "new_facts") })
                for item in fresh.prefix(3) {
                    try tx.addFact(eventID: event.id, sentence: "Fact from item \(item.itemID).",
                                   fingerprint: "item-\(item.itemID)")
                }
                try tx.enqueueAlert(id: alertID, created: now, sinks: sinks,
                                    payload: #"{"id":"\#(alertID)","topic":"\#(topic)","event":{"id":"\#(event.id)"}}"#)
            }
            // Only now is the alert durable: record it for the test.
            logHandle.write(Data("\(alertID)\n".utf8))
            previousEntries[feedID] = entries

            if transaction % 7 == 0 {
                for alert in try store.claimAlerts(sink: "log", now: Date(), limit: 5, owner: run, leaseFor: 30) {
                    if alert.attempts % 3 == 0 {
                        try store.markFailed(alertID: alert.alertID, sink: "log", owner: run, error: "simulated",
                                             nextAttempt: Date(), now: Date())
                    } else {
                        try store.markDelivered(alertID: alert.alertID, sink: "log", owner: run, now: Date())
                    }
                }
            }
            if transaction % 25 == 0 {
                try store.heartbeat(daemonID: "stress-\(run)", pid: Int(getpid()), host: "localhost", started: now, now: Date())
            }
        }
    }
}
