import ArgumentParser
import DaemonRuntime
import Foundation
import Pipeline
import Store

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Report what the daemon is doing and what is failing.",
        discussion: """
            Reads the store named by the configuration (read-only, safe while the daemon runs): whether the \
            daemon is running (heartbeat under 30 s old, pid alive), feeds and their states, totals, alert \
            delivery counts and the last 10 alerts. --json prints one JSON object (see docs/daemon.md).
            Exit status: 0 healthy, 1 degraded (a feed failing or backing off, an alert failed or being retried), \
            2 no daemon running, 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let path = configPath.resolvedPath()
        let config = try configPath.loadRuntimeConfig(needSecrets: false)

        var storeStatus: StoreStatus?
        var storeError: String?
        let settings = config.config.store
        let exists: Bool
        switch settings.backend {
        case .sqlite(let file): exists = FileManager.default.fileExists(atPath: file)
        case .postgres: exists = true
        }
        // A store that does not exist yet is not created by `status`: no daemon has run on it.
        if exists {
            do {
                let store = try Services.openStore(settings)
                defer { store.close() }
                storeStatus = try store.status(now: Date(), recentAlerts: 10)
            } catch {
                StandardError.print("tidings status: cannot read the store \(settings.displayName): \(error)")
                storeError = "\(error)"
            }
        }
        // Heartbeats live in the store: when it cannot be read or written, a daemon for this configuration is looked
        // for on this host.
        let local = LocalDaemons.pid(runningConfig: config.config.absolutePath, defaultPath: ConfigPathOption.defaultPath)
        var diskProblems: [String] = []
        if case .sqlite(let file) = settings.backend, exists {
            // A full disk stops every write, heartbeats included: say so, with the path.
            let folder = (file as NSString).deletingLastPathComponent
            var info = statvfs()
            if statvfs(folder, &info) == 0 {
                let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
                if free < 64 * 1024 {
                    diskProblems.append("disk full: \(folder) has \(free / 1024) KiB free; the store \(file) cannot grow")
                }
            }
        }
        let report = StatusReport(configPath: path, storeStatus: storeStatus, storeError: storeError, localDaemonPID: local,
                                  diskProblems: diskProblems)
        print(json ? report.json.serialized() : report.text)
        if report.health != .healthy { throw ExitCode(report.health.rawValue) }
    }
}
