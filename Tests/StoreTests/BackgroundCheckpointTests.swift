import Foundation
@testable import Store
import Testing
import TestSupport

/// The WAL is copied back by a thread of its own (`BackgroundCheckpointer`), not inside the writer's commits.
/// It must actually run, keep the WAL bounded, and lose nothing.
@Suite("SQLite checkpoints in the background")
struct BackgroundCheckpointTests {
    @Test func checkpointsRunOffTheWriterKeepTheWALBoundedAndLoseNothing() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-checkpoint")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tidings.db").path
        var options = SQLiteOptions()
        options.walAutocheckpointPages = 32   // 512 KiB of 16 KiB pages: many checkpoints in a small test
        options.walSizeLimitMiB = 1
        // Creating the schema writes enough frames to cross this test's small threshold; a store opened again
        // (its WAL copied back by the last close) starts with an empty WAL.
        let creating = try StoreFactory.open(sqlitePath: path, options: options)
        let feedID = try addFeeds(creating, ["https://a.example/rss"])[0]
        creating.close()
        let store = try StoreFactory.open(sqlitePath: path, options: options)
        // A store that has not filled the WAL to the threshold has no checkpoint thread (status, small polls).
        #expect(!store.checkpointThreadStarted)
        let text = String(repeating: "Ministers met and agreed on a timetable for the engine deliveries. ", count: 30)
        var largestWAL: UInt64 = 0
        for batch in 0..<200 {
            _ = try store.write { tx in
                try tx.insertItems(feedID: feedID, (0..<10).map { item("e\(batch)-\($0)", text: "\(batch)-\($0) " + text) })
            }
            largestWAL = max(largestWAL, Self.walBytes(path))
        }
        // The thread ran: the writer's own checkpoints happen only at the hard cap or to finish a nearly done one.
        #expect(store.checkpointThreadStarted)
        #expect(store.backgroundCheckpoints > 0, "no background checkpoint ran (largest WAL \(largestWAL) bytes)")
        // Bounded: never beyond the hard cap (8 × 32 frames of one page plus its 24-byte header each) and the
        // transaction that crossed it (here at most ~16 frames: ten items of ~4 KB), though 200 × ~40 KB went in.
        #expect(largestWAL > 0)
        #expect(largestWAL <= UInt64(8 * 32 + 32) * UInt64(options.pageSize + 24), "WAL grew to \(largestWAL) bytes")
        store.close()
        // The last connection to close copied everything back and removed the WAL.
        #expect(Self.walBytes(path) == 0)

        let reopened = try StoreFactory.open(sqlitePath: path, options: options)
        defer { reopened.close() }
        #expect(try reopened.integrityCheck() == "ok")
        let feed = try #require(try reopened.read { try $0.feed(id: feedID) })
        #expect(feed.itemCount == 2_000)
    }

    static func walBytes(_ databasePath: String) -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath + "-wal")
        return (attributes?[.size] as? UInt64) ?? 0
    }
}
