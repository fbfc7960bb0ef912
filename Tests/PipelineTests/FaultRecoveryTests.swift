@testable import Config
@testable import DaemonRuntime
import Feeds
import Foundation
import Logging
@testable import Pipeline
@testable import Store
import Testing
import TestSupport

/// Issue 17: what a dead process held is taken back at once, and a sink that hangs holds back only itself.
@Suite(.serialized) struct FaultRecoveryTests {
    enum Backend: String, CaseIterable { case sqlite, postgres }

    static func openStore(_ backend: Backend, directory: URL) throws -> any Store {
        switch backend {
        case .sqlite: return try StoreFactory.open(sqlitePath: directory.appendingPathComponent("t.db").path)
        case .postgres: return try StoreFactory.open(postgresURL: try PostgresServer.shared().createDatabase(prefix: "fault"))
        }
    }

    static func enqueue(_ store: any Store, count: Int, sinks: [String], prefix: String = "a") throws -> [String] {
        let ids = (0..<count).map { "\(prefix)\($0)" }
        try store.write { transaction in
            for id in ids {
                _ = try transaction.enqueueAlert(id: id, created: Date(), sinks: sinks, payload: #"{"id":"\#(id)"}"#)
            }
        }
        return ids
    }

    /// A process that really ran on this host: alive until `kill9`.
    static func spawnSleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["600"]
        try process.run()
        return process
    }

    static func kill9(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func states(_ store: any Store, _ ids: [String], sink: String) throws -> [OutboxState] {
        try store.read { reader in try ids.compactMap { id in try reader.outbox(alertID: id).first { $0.sink == sink }?.state } }
    }

    @Test(arguments: Backend.allCases)
    func claimsOfASIGKILLedProcessAreDeliveredInTheFirstPassAfterRestart(_ backend: Backend) async throws {
        if backend == .postgres && !PostgresServer.isAvailable { return }
        let directory = try TestPaths.makeTemporaryDirectory("tidings-fault")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Self.openStore(backend, directory: directory)
        defer { store.close() }
        let held = try Self.enqueue(store, count: 5, sinks: ["log"], prefix: "dead")
        let alive = try Self.enqueue(store, count: 2, sinks: ["log"], prefix: "live")

        // The predecessor claims five alerts (lease 120 s, as the daemon takes) and is SIGKILLed holding them;
        // a live process of this host holds two more.
        let victim = try Self.spawnSleeper()
        let victimOwner = LeaseOwner.make(pid: victim.processIdentifier)
        #expect(try store.claimAlerts(sink: "log", now: Date(), limit: 5, owner: victimOwner,
                                      leaseFor: AlertDelivery.claimLease).map(\.alertID).sorted() == held)
        Self.kill9(victim)
        let survivor = try Self.spawnSleeper()
        defer { Self.kill9(survivor) }
        let survivorOwner = LeaseOwner.make(pid: survivor.processIdentifier)
        #expect(try store.claimAlerts(sink: "log", now: Date(), limit: 5, owner: survivorOwner,
                                      leaseFor: AlertDelivery.claimLease).count == 2)
        let leaseEnd = Date().addingTimeInterval(AlertDelivery.claimLease - 1)

        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let logPath = directory.appendingPathComponent("alerts.jsonl")
        let sinks = try SinkSet([SinkSettings(name: "log", kind: .log(path: logPath.path))])
        let restarted = LeaseOwner.make()
        let delivery = AlertDelivery(store: store, fetcher: fetcher, owner: restarted, logger: Logger(label: "test"))
        // Without the recovery the restarted process finds nothing claimable: every row is under a live lease.
        #expect(await delivery.deliverOnce(sinks).claimed == 0)

        await Services(store: store, fetcher: fetcher, owner: restarted).releaseLeasesOfDeadProcesses(logger: Logger(label: "test"))
        let report = await delivery.deliverOnce(sinks)
        #expect(report.delivered == 5, "the dead process's claims were not taken back in the first pass")
        #expect(Date() < leaseEnd, "the pass ran after the lease would have expired anyway; the test proves nothing")
        #expect(try Self.states(store, held, sink: "log") == Array(repeating: .delivered, count: 5))
        let logged = FaultFixture.lines(logPath)
        #expect(Set(logged) == Set(held.map { #"{"id":"\#($0)"}"# }))
        // A live process's claims are left to it.
        #expect(try Self.states(store, alive, sink: "log") == [.delivering, .delivering])
    }

    @Test func whoCountsAsDead() throws {
        let gone = try Self.spawnSleeper()
        let pid = gone.processIdentifier
        Self.kill9(gone)
        let host = ProcessInfo.processInfo.hostName
        #expect(Services.ownerIsDead(LeaseOwner.make(pid: pid, host: host), otherHostsMayLease: true))
        #expect(!Services.ownerIsDead(LeaseOwner.make(), otherHostsMayLease: false), "this very process")
        // Another host's daemon on a shared PostgreSQL store may be alive: only its lease's expiry frees its work.
        #expect(!Services.ownerIsDead(LeaseOwner.make(pid: pid, host: "elsewhere.example"), otherHostsMayLease: true))
        // A SQLite store is one daemon's: an owner from another host (the file moved) or one not ours is gone.
        #expect(Services.ownerIsDead(LeaseOwner.make(pid: pid, host: "elsewhere.example"), otherHostsMayLease: false))
        #expect(Services.ownerIsDead("test", otherHostsMayLease: false))
        #expect(!Services.ownerIsDead("test", otherHostsMayLease: true))
    }

    @Test func aWebhookThatAcceptsAndNeverAnswersHoldsBackOnlyItself() async throws {
        let directory = try TestPaths.makeTemporaryDirectory("tidings-fault")
        defer { try? FileManager.default.removeItem(at: directory) }
        let silent = try SilentServer()
        defer { silent.stop() }
        let store = try Self.openStore(.sqlite, directory: directory)
        defer { store.close() }
        let ids = try Self.enqueue(store, count: 3, sinks: ["hook", "log"])
        let logPath = directory.appendingPathComponent("alerts.jsonl")
        let sinks = try SinkSet([
            SinkSettings(name: "hook", kind: .webhook(WebhookSettings(url: "http://127.0.0.1:\(silent.port)/hook"))),
            SinkSettings(name: "log", kind: .log(path: logPath.path)),
        ])
        let hook = try #require(sinks.sinks.first { $0.name == "hook" })
        let log = try #require(sinks.sinks.first { $0.name == "log" })

        // The daemon's per-sink loops: the webhook batch hangs (no timeout will end it during this test) while
        // the log sink's batch goes out. Neither the request timeout nor the low-speed limit (no byte for 15 s would
        // end it, and a loaded CI machine took that long between the first request and the check below).
        var patientOptions = FetcherOptions()
        patientOptions.lowSpeedTime = 3600
        let patientFetcher = Fetcher(options: patientOptions)
        let patient = AlertDelivery(store: store, fetcher: patientFetcher, owner: "daemon", logger: Logger(label: "test"),
                                    requestTimeout: 3600)
        let hanging = Task { await patient.deliverBatch(hook) }
        #expect(await FaultFixture.waitUntil {
            (try? Self.states(store, ids, sink: "hook")) == Array(repeating: .delivering, count: 3) && silent.requestsSeen >= 1
        }, "the webhook batch never claimed its alerts or reached the socket")
        let logged = await patient.deliverBatch(log)
        #expect(logged.delivered == 3)
        #expect(Set(FaultFixture.lines(logPath)) == Set(ids.map { #"{"id":"\#($0)"}"# }))
        #expect(try Self.states(store, ids, sink: "hook") == Array(repeating: .delivering, count: 3),
                "the webhook batch ended before the log sink's: nothing shown")
        // Shutdown aborts the hung transfers (after the few seconds' grace a POST sent in full gets for its
        // response, off the cooperative pool, as the daemon does); the alerts go back to pending for a retry.
        _ = try await Blocking.run { patientFetcher.shutdown() }
        #expect(await hanging.value.retrying == 3)

        // With a timeout, each hung request ends on its own and is retried; `status` says so.
        let fetcher = Fetcher(options: FetcherOptions())
        defer { fetcher.shutdown() }
        let bounded = AlertDelivery(store: store, fetcher: fetcher, owner: "daemon", logger: Logger(label: "test"),
                                    requestTimeout: 1)
        // The backoff's jitter makes the three due at slightly different moments: passes until each was retried.
        var retried = 0, delivered = 0
        for _ in 0..<300 where retried < 3 {
            let report = await bounded.deliverBatch(hook)
            retried += report.retrying
            delivered += report.delivered
            if report.claimed == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(retried == 3 && delivered == 0)
        let rows = try store.read { reader in try ids.compactMap { try reader.outbox(alertID: $0).first { $0.sink == "hook" } } }
        #expect(rows.allSatisfy { $0.state == .pending && $0.attempts == 2 && $0.lastError?.contains("imeout") == true })
        let status = StatusReport(configPath: "t.toml", storeStatus: try store.status(now: Date(), recentAlerts: 5))
        #expect(status.storeStatus?.alerts.retrying == 3)
        #expect(status.problems.contains { $0.hasPrefix("sink hook: 3 being retried") && $0.contains("imeout") }, "\(status.problems)")
        #expect(status.storeStatus?.alertsBySink.first { $0.sink == "log" }?.counts[.delivered] == 3)
    }
}

enum FaultFixture {
    static func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Polls `condition` every 50 ms, at most 600 times. It sleeps as a task, not a thread: the work it waits for
    /// runs on the same two-thread cooperative pool, and a sleeping thread there (with another test's synchronous
    /// wait on the other) left that work no thread at all for the whole 30 s (a CI failure in session 10).
    static func waitUntil(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<600 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
