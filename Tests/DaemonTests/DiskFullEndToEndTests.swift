import Foundation
import Testing
import TestSupport

/// Issue 17, item 5 through `tidings run`: one log sink's file on a full tmpfs. The daemon stays up, names the
/// full disk and the path in its log and in `status`, keeps delivering to the other sink, and catches up by itself
/// once space returns. Needs root for `mount`.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled && getuid() == 0) || TestEnvironment.strict,
                             "needs the built tidings binary, nginx and root (mount -t tmpfs)"))
struct DiskFullEndToEndTests {
    @Test func aLogOnAFullDiskHoldsBackOnlyItselfAndCatchesUp() throws {
        let site = try ServedDirectory("tidings-full-e2e")
        defer { site.remove() }
        let (directory, feeds, nginx) = (site.directory, site.feeds, site.nginx)
        let (mount, filler) = try FullTmpfs.mount(kibibytes: 256)
        defer { FullTmpfs.unmount(mount) }
        // An alert is smaller than the 8 KiB FullTmpfs leaves: take those too.
        let fd = open(filler.path, O_WRONLY | O_APPEND)
        let byte: [UInt8] = [0]
        while write(fd, byte, 1) > 0 {}
        close(fd)
        let story = StoreOutageEndToEndTests.story(0)
        try Fixture.write(Fixture.rss(title: "Wire", stories: [story]), to: feeds.appendingPathComponent("wire.xml"))

        let otherLog = directory.appendingPathComponent("alerts.jsonl")
        let fullLog = mount.appendingPathComponent("alerts.jsonl")
        let text = StoreOutageEndToEndTests.configText(store: directory.appendingPathComponent("state/t.db").path,
                                                       storeKey: "path", feed: "\(nginx.baseURL)/wire.xml", alertLog: otherLog, extra: """

            [[alert]]
            type = "log"
            name = "full-log"
            path = "\(fullLog.path)"

            """)
        let config = directory.appendingPathComponent("tidings.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill9() }
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: otherLog).count == 1 }, "the other sink got nothing: \(daemon.log)")
        #expect(Fixture.eventually(seconds: 30) { daemon.log.contains("disk full") && daemon.log.contains(fullLog.path) },
                "no disk-full message naming the path: \(daemon.log)")
        #expect(daemon.isRunning)
        #expect(Fixture.eventually(seconds: 30) {
            let status = try? runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path])
            return status?.status == 1 && status?.stdout.contains("sink full-log") == true && status?.stdout.contains("disk full") == true
        }, "status does not name the full disk")

        try FileManager.default.removeItem(at: filler)
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: fullLog).count == 1 }, "no catch-up after space returned: \(daemon.log)")
        #expect(Fixture.alerts(in: fullLog).first?["id"] as? String == Fixture.alerts(in: otherLog).first?["id"] as? String)
        #expect(FaultLines.whole(fullLog), "a half line was left in the log")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 15) == 0, "\(daemon.log)")
    }
}

/// Issue 17, item 5 through `tidings run`: the SQLite store itself on a tmpfs that fills up under the running daemon.
/// It stays up, says `disk full` with the store's path in its log and in `status`, takes in no new items while the
/// disk is full (the changed feed is not recorded as fetched, so nothing is dropped: it is fetched again), and once
/// space returns it takes the story in and alerts; `PRAGMA integrity_check` is `ok` after.
@Suite(.serialized, .enabled(if: (Fixture.binaryIsBuilt && Fixture.nginxIsInstalled && getuid() == 0) || TestEnvironment.strict,
                             "needs the built tidings binary, nginx and root (mount -t tmpfs)"))
struct StoreDiskFullEndToEndTests {
    @Test func aStoreOnAFullDiskStopsTakingItemsAndRecoversIntact() throws {
        let site = try ServedDirectory("tidings-store-full")
        defer { site.remove() }
        let (directory, feeds, nginx) = (site.directory, site.feeds, site.nginx)
        let (mount, filler) = try FullTmpfs.mount(kibibytes: 8192)
        defer { FullTmpfs.unmount(mount) }
        try FileManager.default.removeItem(at: filler)   // room to create the store
        let feed = feeds.appendingPathComponent("wire.xml")
        let stories = StoreOutageEndToEndTests.topics.indices.map(StoreOutageEndToEndTests.story)
        try Fixture.write(Fixture.rss(title: "Wire", stories: [stories[0]]), to: feed)

        let alertLog = directory.appendingPathComponent("alerts.jsonl")
        let database = mount.appendingPathComponent("t.db")
        let text = StoreOutageEndToEndTests.configText(store: database.path, storeKey: "path",
                                                       feed: "\(nginx.baseURL)/wire.xml", alertLog: alertLog)
        let config = directory.appendingPathComponent("tidings.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config.path], logFile: directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill9() }
        #expect(Fixture.eventually(seconds: 60) { Fixture.alerts(in: alertLog).count == 1 }, "no first alert: \(daemon.log)")

        // Fill the disk to the last byte, then change the feed.
        let fd = open(filler.path, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        while write(fd, block, 1) > 0 {}
        close(fd)
        try Fixture.write(Fixture.rss(title: "Wire", stories: [stories[0], stories[1]]), to: feed)
        // While the disk is full not even a lease can be written: the daemon backs off instead of fetching what it
        // could not record, and takes the story in once space returns.
        #expect(Fixture.eventually(seconds: 60) { daemon.log.contains("disk full") && daemon.log.contains(database.path) },
                "no disk-full message naming the store: \(daemon.log)")
        #expect(daemon.isRunning)
        #expect(Fixture.eventually(seconds: 30) {
            let status = try? runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path])
            return status?.status == 1 && status?.stdout.contains("disk full") == true && status?.stdout.contains(mount.path) == true
        }, "status does not name the full disk")
        // Nothing new was taken in while the disk was full (and so nothing was dropped: the feed is fetched again).
        #expect(Fixture.alerts(in: alertLog).count == 1)

        try FileManager.default.removeItem(at: filler)
        #expect(Fixture.eventually(seconds: 90) { Fixture.alerts(in: alertLog).count == 2 }, "no catch-up after space returned: \(daemon.log)")
        #expect(Fixture.eventually(seconds: 30) {
            (try? runProcess(TestPaths.tidingsBinary, ["status", "--config", config.path]).status) == 0
        }, "status did not come back to healthy")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 15) == 0, "\(daemon.log)")
        let check = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", database.path])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(check.stdout)\(check.stderr)")
        let ids = Fixture.alerts(in: alertLog).compactMap { $0["id"] as? String }
        #expect(Set(ids).count == 2, "alerts lost or doubled: \(ids)")
    }
}

enum FaultLines {
    /// Every line of a JSON-lines file parses.
    static func whole(_ url: URL) -> Bool {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n")
            .allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }
    }
}
