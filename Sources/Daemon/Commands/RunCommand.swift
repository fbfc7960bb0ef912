import ArgumentParser
import Logging
import Pipeline

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: poll, judge, alert, continuously.",
        discussion: """
            Runs until SIGTERM or SIGINT (exits 0 within 10 s). SIGHUP reloads the configuration (a bad one is \
            rejected as a whole and the running one kept) and reopens the alert log. Under systemd it speaks the \
            notify protocol (READY=1, STATUS=, WATCHDOG=1, STOPPING=1). Logs go to stderr; set TIDINGS_LOG_LEVEL \
            (trace, debug, info, notice, warning, error) to change how much.
            Exit status: 0 after a stop signal, 1 when it cannot start (store, alert log), 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    func run() async throws {
        JournalLogHandler.bootstrap(defaultLevel: .info)
        let logger = Logger(label: "tidings")
        let runner = DaemonRunner(configPath: configPath.resolvedPath(), judge: CoverageJudge(), logger: logger)
        let exit = await runner.run()
        if exit != .success { throw ExitCode(exit.rawValue) }
    }
}
