import Config
import Feeds
import Foundation
import Logging
import Store

/// Stage 2, fetch, and the one place where a poll cycle does things at once.
///
/// Each leased chunk becomes `FetchRequest`s for the `Fetcher` (one libcurl multi handle on its own thread); its
/// results stream back to one consumer task per chunk. A result without a body (304, failure) is handed to
/// `handle` at once; a body goes to one of `workers` parse tasks. Consecutive chunks overlap: the next one is
/// leased `lookahead` results before the current one ends, so the fetcher's queue gets the next transfers before
/// a slot idles, and both chunks are consumed as their results arrive (a chunk whose results waited for the
/// previous one to finish could hold the fetcher's body buffer full while the previous chunk's last transfers
/// wait for room in it, and neither would move). A chunk bounds the cycle's per-feed memory (rows, requests,
/// queued transfers) whatever the number of feeds.
struct FetchStage: Sendable {
    let fetcher: Fetcher
    let lease: LeaseStage
    let config: RuntimeConfig
    let catalog: FeedCatalog
    /// Parse tasks at once.
    let workers: Int
    /// Results before a full chunk's end at which the next chunk is leased.
    let lookahead: Int
    let logger: Logger
    /// Told (done, leased so far) after each feed.
    let progress: (@Sendable (Int, Int) -> Void)?

    /// Fetches `first` and the chunks leased after it, handing every result to `handle` with its chunk's context;
    /// returns once every result is handled, with the number of feeds leased.
    func run(first: [FeedRecord], handle: @escaping @Sendable (FetchResult, CycleContext) async -> Void) async -> Int {
        let done = Locked(0)
        let leasedSoFar = Locked(0)
        let (events, nearEnd) = AsyncStream<ChunkEvent>.makeStream()

        @Sendable func start(_ leased: [FeedRecord]) -> CycleChunk {
            leasedSoFar.withLock { $0 += leased.count }
            let requests = leased.map {
                FetchRequest(key: String($0.id), url: $0.url, etag: $0.etag, lastModified: $0.lastModified)
            }
            return CycleChunk(context: CycleContext(config: config, catalog: catalog, leased: leased),
                              results: fetcher.fetch(requests), full: leased.count == lease.chunkSize)
        }

        @Sendable func finished() {
            let count = done.withLock { $0 += 1; return $0 }
            progress?(count, leasedSoFar.value)
        }

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
                    guard case .fetched = result.outcome else {
                        await handle(result, context)
                        finished()
                        continue
                    }
                    if running >= workers {
                        await workersGroup.next()
                        running -= 1
                    }
                    running += 1
                    workersGroup.addTask {
                        await handle(result, context)
                        finished()
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
                    let next = try await lease.next()
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
        return leasedSoFar.value
    }
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
