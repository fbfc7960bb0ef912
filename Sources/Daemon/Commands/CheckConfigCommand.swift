import ArgumentParser
import Config
import DaemonRuntime
import Foundation

/// `tidings check-config`: reports every problem of a configuration as `file:line:column: message` on stderr
/// (warnings too), then a one-line summary on stdout. Exit 0 when usable, 78 when not.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and report every problem.",
        discussion: """
            Prints each problem as file:line:column: message (warnings say "warning:"), then a summary line.
            Exit status: 0 valid (warnings allowed), 78 invalid or unreadable.
            """)

    @OptionGroup var configPath: ConfigPathOption

    func run() async throws {
        let path = configPath.resolvedPath()
        let environment = ProcessInfo.processInfo.environment
        do {
            let (config, warnings) = try ConfigFile.load(path: path, environment: environment,
                                                         validateQuery: TopicQueryCheck.validator)
            for warning in warnings { StandardError.print(warning.description) }
            print("\(path): OK: \(config.summary)\(warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))")")
        } catch {
            for diagnostic in error.diagnostics { StandardError.print(diagnostic.description) }
            let count = error.errors.count
            StandardError.print("\(path): invalid configuration: \(count) error\(count == 1 ? "" : "s")")
            throw ExitCode(ConfigExitCode.invalidConfiguration)
        }
    }
}
