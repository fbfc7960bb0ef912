import ArgumentParser
import DaemonRuntime
import Foundation
import Pipeline
import Store

/// Opening the configured store for a reading command (`events`, `event`, `try`): the configuration is loaded
/// without secrets (as `status` does), and a store that does not exist yet is not created.
enum CommandStore {
    static func open(_ configPath: ConfigPathOption, command: String) throws -> (RuntimeConfig, any Store) {
        let config = try configPath.loadRuntimeConfig(needSecrets: false)
        let settings = config.config.store
        if case .sqlite(let file) = settings.backend, !FileManager.default.fileExists(atPath: file) {
            StandardError.print("tidings \(command): no store at \(file) yet: run the daemon (tidings run) first")
            throw ExitCode.failure
        }
        do {
            return (config, try Services.openStore(settings))
        } catch {
            StandardError.print("tidings \(command): cannot open the store \(settings.displayName): \(error)")
            throw ExitCode.failure
        }
    }
}
