import ArgumentParser
import Config
import DaemonRuntime
import Foundation
import Pipeline

/// `--config PATH`, shared by every command that reads the configuration. Without it: `$TIDINGS_CONFIG`, else
/// `/etc/tidings/tidings.toml`.
struct ConfigPathOption: ParsableArguments {
    static let defaultPath = "/etc/tidings/tidings.toml"

    @Option(name: .long, help: ArgumentHelp("The configuration file (default: $TIDINGS_CONFIG, else \(ConfigPathOption.defaultPath)).",
                                             valueName: "path"))
    var config: String?

    /// The path to read, after the environment and the built-in default.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let config { return config }
        if let fromEnvironment = environment["TIDINGS_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return Self.defaultPath
    }

    /// Loads the configuration; on errors prints every one to stderr and exits 78 (EX_CONFIG), as every command
    /// does for an unusable configuration. `needSecrets: false` for commands that only read (`status`, `events`).
    func loadRuntimeConfig(needSecrets: Bool = true) throws -> RuntimeConfig {
        do {
            return try RuntimeConfig.load(path: resolvedPath(), needSecrets: needSecrets)
        } catch {
            for diagnostic in error.diagnostics { StandardError.print(diagnostic.description) }
            throw ExitCode(ConfigExitCode.invalidConfiguration)
        }
    }
}

enum ConfigExitCode {
    /// sysexits.h EX_CONFIG: the configuration cannot be read or is invalid.
    static let invalidConfiguration: Int32 = 78
}

enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
