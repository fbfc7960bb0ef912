import ArgumentParser
import DaemonRuntime
import Foundation
import Logging
import Pipeline
import Support

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll due feeds once, store and judge what is new, deliver its alerts.",
        discussion: """
            One cycle over every due feed (--all: every feed), then one delivery pass over the alert sinks, then \
            one summary line on stdout: "polled N feeds: A changed, B not modified, C failed, D new items in S s". \
            Each failed feed gets one line on stderr. On a terminal a progress line is shown while it runs.
            Exit status: 0 all feeds fetched, 1 some feed failed, 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Flag(name: .long, help: "Run one cycle and exit (required: continuous polling is `tidings run`).")
    var once = false

    @Flag(name: .long, help: "Poll every feed, due or not.")
    var all = false

    func validate() throws {
        guard once else { throw ValidationError("poll needs --once (for continuous polling, run `tidings run`)") }
    }

    func run() async throws {
        // Before the configuration (an OPML of thousands of feeds) is read on whatever thread runs this.
        MallocTuning.limitArenas()
        // Failures are reported as lines of their own below; the log only carries what is worse.
        JournalLogHandler.bootstrap(defaultLevel: .error)
        let logger = Logger(label: "tidings")
        let config = try configPath.loadRuntimeConfig()
        for warning in config.warnings { StandardError.print(warning.description) }

        var progress: (@Sendable (Int, Int) -> Void)?
        if isatty(STDERR_FILENO) == 1 {
            progress = { done, total in StandardError.write("\r\u{1B}[Kpolling: \(done)/\(total) feeds") }
        }
        let outcome: PollOnce.Outcome
        do {
            outcome = try await PollOnce.run(config: config, judge: CoverageJudge(), all: all, logger: logger, progress: progress)
        } catch {
            if progress != nil { StandardError.write("\r\u{1B}[K") }
            StandardError.print("tidings poll: \(error)")
            throw ExitCode.failure
        }
        if progress != nil { StandardError.write("\r\u{1B}[K") }
        for failure in outcome.summary.failures.sorted() { StandardError.print("failed: \(failure)") }
        print(outcome.summary.line)
        if outcome.summary.failed > 0 { throw ExitCode.failure }
    }
}

extension StandardError {
    /// Writes without a newline (progress lines rewrite themselves with \r).
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
