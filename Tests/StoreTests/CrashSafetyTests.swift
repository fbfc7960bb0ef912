import Foundation
import Store
import Testing
import TestSupport

/// kill -9 at random instants during ingest, 20 times: the SQLite file must pass `PRAGMA integrity_check` every
/// time, every alert the driver logged (it logs only after COMMIT returned) must be in the store, and the
/// counters the status query reads must agree with the rows.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static var binaryPresent: Bool { FileManager.default.isExecutableFile(atPath: TestPaths.benchBinary.path) }

    @Test(.enabled(if: binaryPresent || TestEnvironment.strict, "tidings-bench not built (swift build first)"))
    func killDashNineTwentyTimesLosesNothing() throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("stress.db").path
        let log = directory.appendingPathComponent("committed.log").path
        // Rounds in which the driver was committing when it was killed (not still starting up).
        var killedWhileWriting = 0
        func logSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0 }
        for round in 1...20 {
            let sizeAtStart = logSize()
            let process = Process()
            process.executableURL = TestPaths.benchBinary
            process.arguments = ["store-stress", "--sqlite", database, "--log", log]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            // Wait until it is committing (open, migrate and startup done), then kill at a random instant.
            let deadline = Date().addingTimeInterval(60)
            while logSize() == sizeAtStart && process.isRunning && Date() < deadline { usleep(5_000) }
            usleep(UInt32.random(in: 0...400_000))
            let sizeAtKill = logSize()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal,
                    "round \(round): driver exited by itself: \(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
            if sizeAtKill > sizeAtStart { killedWhileWriting += 1 }

            let store = try StoreFactory.open(sqlitePath: database)
            defer { store.close() }
            #expect(try store.integrityCheck() == "ok", "round \(round)")
            let logged = try String(contentsOfFile: log, encoding: .utf8)
            // A line cut by the kill (no newline yet) was never completely written: skip it.
            let ids = logged.split(separator: "\n", omittingEmptySubsequences: true)
                .prefix(logged.hasSuffix("\n") ? Int.max : max(0, logged.split(separator: "\n").count - 1))
            let missing = try store.read { reader in try ids.filter { try !reader.alertExists(id: String($0)) } }
            #expect(missing.isEmpty, "round \(round): \(missing.count) committed alerts missing, e.g. \(missing.prefix(3))")
            try expectCountersMatchRows(database, round: round)
        }
        let total = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        #expect(total > 100, "the driver committed only \(total) alerts in 20 rounds")
        #expect(killedWhileWriting == 20, "only \(killedWhileWriting) of 20 kills landed during ingest")
    }

    /// The counters status reads (per-feed item counts, outbox per sink and state, events) against the rows.
    func expectCountersMatchRows(_ database: String, round: Int) throws {
        let sqlite = URL(fileURLWithPath: "/usr/bin/sqlite3")
        let query = """
            SELECT (SELECT COALESCE(SUM(item_count),0) FROM feeds) - (SELECT COUNT(*) FROM items);
            SELECT (SELECT value FROM counters WHERE name='events') - (SELECT COUNT(*) FROM events);
            SELECT COUNT(*) FROM (SELECT sink, state, COUNT(*) AS n FROM outbox GROUP BY sink, state
                EXCEPT SELECT sink, state, n FROM outbox_stats WHERE n <> 0);
            SELECT COUNT(*) FROM (SELECT sink, state, n FROM outbox_stats WHERE n <> 0
                EXCEPT SELECT sink, state, COUNT(*) FROM outbox GROUP BY sink, state);
            """
        let result = try runProcess(sqlite, [database, query])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["0", "0", "0", "0"], "round \(round): counters drifted: \(result.stdout)")
    }
}
