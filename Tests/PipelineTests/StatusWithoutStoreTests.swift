import Foundation
import Testing
@testable import Pipeline

/// Issue 17: while the store cannot be read, a daemon of this configuration found on this host makes `status`
/// say running and degraded, not "not running".
@Suite struct StatusWithoutStoreTests {
    @Test func aLocalDaemonWithAnUnreadableStoreIsDegraded() throws {
        let report = StatusReport(configPath: "/etc/tidings/tidings.toml", storeStatus: nil, hostName: "here",
                                  isAlive: { _ in true }, storeError: "connection refused", localDaemonPID: 4242)
        #expect(report.running)
        #expect(report.health == .degraded)
        #expect(report.problems.contains("the store cannot be read: connection refused"))
        #expect(report.text.contains("daemon: running, pid 4242"))
        let object = try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any]
        let daemon = object?["daemon"] as? [String: Any]
        #expect(daemon?["running"] as? Bool == true && daemon?["pid"] as? Int == 4242)
        #expect(object?["health"] as? String == "degraded")
    }

    @Test func noLocalDaemonMeansNotRunning() {
        let report = StatusReport(configPath: "/x.toml", storeStatus: nil, storeError: "connection refused", localDaemonPID: nil)
        #expect(!report.running)
        #expect(report.health == .notRunning)
    }

    @Test func aStoreThatDoesNotExistYetIsNotRunningEvenWithAProcess() {
        // No store error (nothing to read yet): the process is not taken as a daemon of this store.
        let report = StatusReport(configPath: "/x.toml", storeStatus: nil, storeError: nil, localDaemonPID: 4242)
        #expect(report.health == .notRunning)
    }

    @Test func findsThisConfigurationsDaemonInProc() throws {
        // A fake /proc: one `tidings run --config relative.toml` whose cwd makes it this file, one other.
        let root = try FileManager.default.url(for: .itemReplacementDirectory, in: .userDomainMask,
                                               appropriateFor: URL(fileURLWithPath: NSTemporaryDirectory()), create: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let configDirectory = root.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        func process(_ pid: Int, _ arguments: [String], cwd: URL) throws {
            let directory = root.appendingPathComponent("proc/\(pid)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(arguments.joined(separator: "\0").utf8 + [0]).write(to: directory.appendingPathComponent("cmdline"))
            try Data().write(to: directory.appendingPathComponent("environ"))
            try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("cwd"), withDestinationURL: cwd)
        }
        try process(100, ["/usr/local/bin/tidings", "status", "--config", "mine.toml"], cwd: configDirectory)
        try process(101, ["/usr/local/bin/tidings", "run", "--config", "other.toml"], cwd: configDirectory)
        try process(102, ["/usr/local/bin/tidings", "run", "--config", "mine.toml"], cwd: configDirectory)
        let found = LocalDaemons.pid(runningConfig: configDirectory.appendingPathComponent("mine.toml").path,
                                     defaultPath: "/etc/tidings/tidings.toml", procRoot: root.appendingPathComponent("proc").path)
        #expect(found == 102)
        let none = LocalDaemons.pid(runningConfig: configDirectory.appendingPathComponent("absent.toml").path,
                                    defaultPath: "/etc/tidings/tidings.toml", procRoot: root.appendingPathComponent("proc").path)
        #expect(none == nil)
    }
}
