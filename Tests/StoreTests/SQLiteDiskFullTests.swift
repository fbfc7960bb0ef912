import Foundation
@testable import Store
import Testing
import TestSupport

/// Issue 17, item 5 (the store's part): the SQLite store on a small tmpfs that fills up. Needs root for `mount`.
@Suite(.serialized, .enabled(if: getuid() == 0 || TestEnvironment.strict, "mounting a tmpfs needs root"))
struct SQLiteDiskFullTests {
    @Test func aFullDiskFailsWritesCleanlyAndTheStoreRecoversIntact() throws {
        let (mount, filler) = try FullTmpfs.mount(kibibytes: 4096)
        defer { FullTmpfs.unmount(mount) }
        // The filler leaves 8 KiB: free it, open (create and migrate) the store, then fill the disk again.
        try FileManager.default.removeItem(at: filler)
        let store = try StoreFactory.open(sqlitePath: mount.appendingPathComponent("t.db").path)
        defer { store.close() }
        let feed = try #require(try addFeeds(store, ["https://example.org/feed.xml"]).first)
        let text = String(repeating: "A sentence long enough to fill pages of the store quickly. ", count: 60)
        func batch(_ number: Int) -> [NewItem] { (0..<20).map { item("b\(number)-\($0)", text: text) } }
        try store.write { _ = try $0.insertItems(feedID: feed, batch(0)) }
        let refill = FileManager.default.createFile(atPath: filler.path, contents: nil)
        #expect(refill)
        let fd = open(filler.path, O_WRONLY)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)

        // Writes go on until the disk refuses one; that one fails with an error naming the store, and rolls back.
        var committed = [0]
        var failure: Error?
        for number in 1...200 where failure == nil {
            do {
                try store.write { _ = try $0.insertItems(feedID: feed, batch(number)) }
                committed.append(number)
            } catch {
                failure = error
            }
        }
        let error = try #require(failure, "the full disk never refused a write")
        #expect("\(error)".contains("full"), "\(error)")
        #expect("\(error)".contains(store.description), "\(error)")

        // Reads still work, and everything committed is there.
        func stored() throws -> Int { try store.read { try $0.items(feedID: feed, limit: 100_000).count } }
        #expect(try stored() == committed.count * 20)

        // Space returns: the next write goes through, nothing committed was lost, the file is intact.
        try FileManager.default.removeItem(at: filler)
        try store.write { _ = try $0.insertItems(feedID: feed, batch(999)) }
        #expect(try stored() == (committed.count + 1) * 20)
        let sqlite = try #require(store as? SQLiteStore)
        #expect(try sqlite.integrityCheck() == "ok")
    }
}
