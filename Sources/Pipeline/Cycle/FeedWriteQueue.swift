import Foundation
import Logging
import Store
import Support

/// Everything one fetch of one feed writes: the feed row's new state and, for a parsed body, its items.
struct FeedWrite: Sendable {
    var feedID: Int64
    var update: FeedFetchUpdate
    var items: [NewItem] = []
    /// Next-due time and change rate of a fetched body, settled once the insert shows how many items were new.
    var settle: FetchedSchedule?
    /// `HTTPHeaderValues.hostKey` of the feed's URL, for spreading the next polls of one host
    /// (`HostSpreading`); nil leaves the feed out of it.
    var host: String? = nil

    /// Bytes of item text the write holds: what bounds the queue in a cold cycle.
    var weight: Int {
        items.reduce(256) { total, item in
            total + item.title.utf8.count + (item.summary?.utf8.count ?? 0) + (item.content?.utf8.count ?? 0)
                + (item.link?.utf8.count ?? 0) + 200
        }
    }
}

/// Group commit for a poll cycle. Result handlers hand each feed's write to the queue and go on with the next
/// result; one writer thread stores the queued feeds several at a time, in one transaction per batch.
///
/// Why: a warm cycle of 10,000 feeds is 10,000 one-row UPDATEs, and as separate transactions each paid BEGIN,
/// COMMIT and a WAL frame of its own, plus a trip through the blocking pool: together more than the transfers
/// took. Atomicity per feed is kept: everything one fetch of one feed produces is inside one transaction (a
/// batch holds whole feeds only). When a batch fails, each of its feeds is written again alone, so one bad feed
/// costs only itself. A crash loses at most the uncommitted batch: those feeds keep their old validators and are
/// fetched again once their leases expire.
///
/// Memory: the queue is bounded by item bytes (`maxQueuedBytes`) and count; a handler that would overflow it
/// waits until the writer has taken a batch, so a slow disk slows the parse workers instead of growing RSS.
final class FeedWriteQueue: @unchecked Sendable {
    struct Limits: Sendable {
        /// Feeds per transaction at most.
        var maxBatch = 256
        /// The writer waits up to `gatherSeconds` for this many feeds before committing a smaller batch.
        var preferredBatch = 64
        var gatherSeconds = 0.002
        var maxQueuedBytes = 1024 * 1024
        var maxQueuedFeeds = 2048
        /// How often the writer hands free heap pages back to the kernel (`MallocTuning.trim`).
        var trimSeconds = 0.5
    }

    struct Totals: Sendable, Equatable {
        /// Items stored that their feed had not published before.
        var newItems = 0
        /// Feeds whose write failed even alone (their leases expire and they are fetched again).
        var failedFeeds = 0
        var transactions = 0
        var feeds = 0
        /// Batches for which the writer waited out its whole gather window (a stream of 304s trickling in);
        /// never while a handler waits for room.
        var gatherWindowsWaitedOut = 0
    }

    private let store: any Store
    private let logger: Logger
    private let limits: Limits

    // Everything below is guarded by `condition` (hence @unchecked Sendable): the writer thread blocks on it,
    // which a Swift `Mutex` cannot do.
    private let condition = NSCondition()
    private var queue: [(write: FeedWrite, weight: Int)] = []
    private var queueHead = 0
    private var queuedBytes = 0
    private var closed = false
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    private var finishWaiter: CheckedContinuation<Totals, Never>?
    private var writerDone = false
    private var totals = Totals()
    /// Next due times of the committed feeds, written by the writer thread only (read after `finish`).
    private var scheduledFeeds: [ScheduledFeed] = []

    /// A committed feed's next due time.
    struct ScheduledFeed: Sendable {
        var feedID: Int64
        var host: String
        var nextDue: Date
    }

    /// The next due times the cycle's writes set (feeds with a host), in commit order. Valid after `finish`.
    var scheduled: [ScheduledFeed] {
        condition.lock()
        defer { condition.unlock() }
        return scheduledFeeds
    }

    init(store: any Store, logger: Logger, limits: Limits = Limits()) {
        self.store = store
        self.logger = logger
        self.limits = limits
        let thread = Thread { [self] in
            ThreadName.setCurrent("tidings-writer")
            runWriter()
        }
        thread.start()
    }

    private var queuedCount: Int { queue.count - queueHead }

    /// Queues one feed's write; waits only while the queue is full.
    func submit(_ write: FeedWrite) async {
        let weight = write.weight
        while !tryEnqueue(write, weight: weight) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                condition.lock()
                let full = isFull(adding: weight)
                if full {
                    roomWaiters.append(continuation)
                    // A writer gathering a batch stops waiting: the queue will not grow while a handler waits.
                    condition.signal()
                }
                condition.unlock()
                if !full { continuation.resume() }
            }
        }
    }

    /// Stops taking writes, waits until everything queued is committed, and returns what was stored.
    func finish() async -> Totals {
        await withCheckedContinuation { (continuation: CheckedContinuation<Totals, Never>) in
            condition.lock()
            closed = true
            if writerDone {
                let result = totals
                condition.unlock()
                continuation.resume(returning: result)
                return
            }
            finishWaiter = continuation
            condition.broadcast()
            condition.unlock()
        }
    }

    /// A queue with nothing in it always takes a write, however heavy, so a single huge feed cannot wedge it.
    private func isFull(adding weight: Int) -> Bool {
        queuedCount > 0 && (queuedBytes + weight > limits.maxQueuedBytes || queuedCount >= limits.maxQueuedFeeds)
    }

    private func tryEnqueue(_ write: FeedWrite, weight: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        precondition(!closed, "FeedWriteQueue.submit after finish")
        guard !isFull(adding: weight) else { return false }
        queue.append((write, weight))
        queuedBytes += weight
        condition.signal()
        return true
    }

    // MARK: - Writer thread

    private func runWriter() {
        var lastTrim = Monotonic.seconds()
        while let batch = nextBatch() {
            let outcome = write(batch)
            // Parsed feeds are freed on other threads than the ones that made them; without a trim now and
            // then their pages stay resident in glibc's arenas for the rest of the cycle.
            if Monotonic.seconds() - lastTrim >= limits.trimSeconds {
                MallocTuning.trim()
                lastTrim = Monotonic.seconds()
            }
            condition.lock()
            totals.newItems += outcome.newItems
            totals.failedFeeds += outcome.failedFeeds
            totals.transactions += outcome.transactions
            totals.feeds += batch.count
            condition.unlock()
        }
        condition.lock()
        writerDone = true
        let waiter = finishWaiter
        finishWaiter = nil
        let result = totals
        let stragglers = roomWaiters
        roomWaiters = []
        condition.unlock()
        for continuation in stragglers { continuation.resume() }
        waiter?.resume(returning: result)
    }

    /// The next batch, or nil once the queue is closed and empty.
    private func nextBatch() -> [FeedWrite]? {
        condition.lock()
        while queuedCount == 0 && !closed { condition.wait() }
        if queuedCount == 0 {
            condition.unlock()
            return nil
        }
        // A few milliseconds of patience turn a stream of 304s into a few hundred transactions instead of
        // ten thousand; a cycle that is ending (closed) is not kept waiting, nor is a full queue (a handler waits
        // for room: fetched bodies fill it by bytes long before `preferredBatch` feeds, and the gather wait was a
        // stall of every parse worker, once per batch, in a cold cycle; issue 19).
        let deadline = Date(timeIntervalSinceNow: limits.gatherSeconds)
        while queuedCount < limits.preferredBatch && !closed && roomWaiters.isEmpty {
            if !condition.wait(until: deadline) {
                totals.gatherWindowsWaitedOut += 1
                break
            }
        }
        let end = min(queue.count, queueHead + limits.maxBatch)
        let batch = queue[queueHead..<end].map(\.write)
        queuedBytes -= queue[queueHead..<end].reduce(0) { $0 + $1.weight }
        queueHead = end
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead >= 1024 {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        let waiters = roomWaiters
        roomWaiters = []
        condition.unlock()
        // They re-check for room themselves; waking all is simplest and they are at most a few parse workers.
        for continuation in waiters { continuation.resume() }
        return batch
    }

    private func write(_ batch: [FeedWrite]) -> Totals {
        var outcome = Totals()
        do {
            let applied = try store.write { transaction in
                try batch.map { try Self.apply($0, in: transaction) }
            }
            outcome.newItems = applied.reduce(0) { $0 + $1.added }
            outcome.transactions = 1
            var scheduled: [ScheduledFeed] = []
            for (write, result) in zip(batch, applied) {
                if let host = write.host, let nextDue = result.nextDue {
                    scheduled.append(ScheduledFeed(feedID: write.feedID, host: host, nextDue: nextDue))
                }
            }
            condition.lock()
            scheduledFeeds += scheduled
            condition.unlock()
            return outcome
        } catch where batch.count > 1 {
            // One feed's failure must not cost the others their fetch: each is written alone.
            for write in batch {
                let alone = self.write([write])   // records its own scheduled time
                outcome.newItems += alone.newItems
                outcome.failedFeeds += alone.failedFeeds
                outcome.transactions += alone.transactions
            }
            return outcome
        } catch {
            logger.error("storing a fetch failed; the feed is fetched again when its lease expires",
                         metadata: ["feed_id": "\(batch[0].feedID)", "error": "\(error)"])
            outcome.failedFeeds = 1
            return outcome
        }
    }

    /// Writes one feed's fetch outcome; returns how many of its items were new to the feed and its next due time.
    static func apply(_ write: FeedWrite, in transaction: StoreTransaction) throws -> (added: Int, nextDue: Date?) {
        let insertions = write.items.isEmpty ? [] : try transaction.insertItems(feedID: write.feedID, write.items)
        let added = insertions.reduce(0) { $0 + ($1.outcome == .knownEntry ? 0 : 1) }
        var update = write.update
        write.settle?.apply(newItems: added, to: &update)
        try transaction.updateFeed(id: write.feedID, update)
        return (added, update.nextDue)
    }
}
