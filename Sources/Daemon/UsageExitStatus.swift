import ArgumentParser
import Foundation

/// The contract's exit statuses (../shared/spec/README.md): a usage error exits 2, not argument-parser's 64
/// (EX_USAGE). Everything else — help, version, ExitCode thrown by commands — goes through argument-parser as usual.
extension Tidings {
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
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
