@testable import DaemonRuntime
import Foundation
import Testing
import TestSupport
@testable import Pipeline

@Suite struct LogSinkTests {
    @Test func appendsDurableLinesAndReopensAfterRotation() throws {
        let directory = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/alerts.jsonl").path
        let sink = try LogSink(path: path)
        try sink.append([#"{"id":"1"}"#, #"{"id":"2"}"#])
        try sink.append([#"{"id":"3"}"#])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n")

        // logrotate moves the file; until the reopen, lines still go to the moved file.
        let rotated = path + ".1"
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        try sink.append([#"{"id":"4"}"#])
        try sink.reopen()
        try sink.append([#"{"id":"5"}"#])
        #expect(try String(contentsOfFile: rotated, encoding: .utf8).hasSuffix("{\"id\":\"4\"}\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":\"5\"}\n")
    }

    @Test func unwritablePathIsAClearError() {
        do {
            _ = try LogSink(path: "/proc/version/alerts.jsonl")
            Issue.record("opening a log under a file succeeded")
        } catch {
            #expect(error.description.contains("/proc/version/alerts.jsonl"))
        }
    }
}

@Suite struct RetryPolicyTests {
    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 0x9E3779B97F4A7C15
        mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
    }

    @Test func doublesFromOneSecondToFiveMinutesWithJitter() {
        var generator = Counter()
        let policy = RetryPolicy(giveUpAfter: 86_400)
        for attempt in 1...20 {
            guard case let .retry(delay) = policy.decide(attempt: attempt, retryAfter: nil, alertAge: 0, using: &generator) else {
                Issue.record("gave up early at attempt \(attempt)"); return
            }
            let base = min(pow(2, Double(attempt - 1)), 300)
            #expect(delay >= base * 0.8 - 1e-9 && delay <= min(base * 1.2, 300) + 1e-9, "attempt \(attempt): \(delay)")
        }
    }

    @Test func retryAfterWinsAndGiveUpEndsIt() {
        let policy = RetryPolicy(giveUpAfter: 3600)
        #expect(policy.decide(attempt: 1, retryAfter: 120, alertAge: 0) == .retry(after: 120))
        #expect(policy.decide(attempt: 9, retryAfter: nil, alertAge: 3600) == .giveUp)
        #expect(policy.decide(attempt: 9, retryAfter: 600, alertAge: 3500) == .retry(after: 100))
    }
}

@Suite struct SystemdNotifierTests {
    /// Binds a datagram socket (abstract when `abstractName` is given, else at `path`) and returns its descriptor.
    private func listen(abstractName: String?, path: String?) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8] = abstractName.map { [0] + Array($0.utf8) } ?? Array(path!.utf8) + [0]
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        try #require(bound == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private func receive(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }

    @Test func sendsToAbstractAndFilesystemSockets() throws {
        let name = "tidings-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let abstract = try listen(abstractName: name, path: nil)
        defer { close(abstract) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@" + name, "WATCHDOG_USEC": "4000000"])
        #expect(notifier.watchdogInterval == .seconds(2))
        notifier.ready(status: "serving 4 feeds")
        #expect(receive(abstract) == "READY=1\nSTATUS=serving 4 feeds")
        notifier.watchdog()
        #expect(receive(abstract) == "WATCHDOG=1")
        notifier.stopping()
        #expect(receive(abstract) == "STOPPING=1")

        let directory = try TestPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notify").path
        let filesystem = try listen(abstractName: nil, path: path)
        defer { close(filesystem) }
        SystemdNotifier(environment: ["NOTIFY_SOCKET": path]).status("line\nbreak")
        #expect(receive(filesystem) == "STATUS=line break")
    }

    @Test func silentOutsideSystemd() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(notifier.watchdogInterval == nil)
        #expect(!notifier.send(["READY=1"]))
        // A watchdog meant for another process (WATCHDOG_PID) is not ours to feed.
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }
}

@Suite struct JournalLogHandlerTests {
    @Test func priorityPrefixesFollowSyslog() {
        #expect(JournalLogHandler.priority(.error) == 3)
        #expect(JournalLogHandler.priority(.warning) == 4)
        #expect(JournalLogHandler.priority(.info) == 6)
        #expect(JournalLogHandler.priority(.debug) == 7)
    }
}
