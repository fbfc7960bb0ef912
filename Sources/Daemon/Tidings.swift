import ArgumentParser
import Foundation

@main
struct Tidings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Watch news feeds and alert only on stories that add new facts.",
        version: TidingsVersion.string,
        subcommands: [
            RunCommand.self, PollCommand.self, StatusCommand.self, CheckConfigCommand.self,
            ParseCommand.self, ExtractCommand.self, ReplayCommand.self, DigestCommand.self,
            EventsCommand.self, EventCommand.self, TryCommand.self,
        ]
    )

    /// The spec's exit statuses: 2 for a usage error (argument-parser's own default is 64, EX_USAGE);
    /// everything else as the command decides.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandleOutput.standardError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Writes one message and a newline to stderr, unbuffered.
enum FileHandleOutput {
    static func standardError(_ message: String) {
        let line = message.hasSuffix("\n") ? message : message + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

enum TidingsVersion {
    static let string = "0.1.0"
}
