import ArgumentParser
import Config
import DaemonRuntime
import Logging
import Pipeline
import Store
import Web

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: poll, judge, alert, continuously.",
        discussion: """
            Runs until SIGTERM or SIGINT (exits 0 within 10 s). SIGHUP reloads the configuration (a bad one is \
            rejected as a whole and the running one kept) and reopens the alert log. Under systemd it speaks the \
            notify protocol (READY=1, STATUS=, WATCHDOG=1, STOPPING=1). Logs go to stderr; set TIDINGS_LOG_LEVEL \
            (trace, debug, info, notice, warning, error) to change how much.
            Serves the read-only web page, Atom feeds, JSON and /metrics on [http] listen (default \
            127.0.0.1:8725; "" turns it off; changes take effect on restart).
            Exit status: 0 after a stop signal, 1 when it cannot start (store, alert log), 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    func run() async throws {
        JournalLogHandler.bootstrap(defaultLevel: .info)
        let logger = Logger(label: "tidings")
        let path = configPath.resolvedPath()
        let web = Self.startWeb(configPath: path, logger: logger)
        defer {
            web?.server.stop()
            web?.store.close()
        }
        let runner = DaemonRunner(configPath: path, judge: CoverageJudge(), logger: logger)
        let exit = await runner.run()
        if exit != .success { throw ExitCode(exit.rawValue) }
    }

    /// The web server, on its own store handle and threads. A server that cannot start (port taken, store not
    /// readable) is logged and left out: the page is a view, and polling and alerting go on without it. A bad
    /// configuration is left for the daemon itself to report.
    static func startWeb(configPath: String, logger: Logger) -> (server: WebServer, store: any Store)? {
        guard let config = try? RuntimeConfig.load(path: configPath), let listen = config.config.http.listen else { return nil }
        let store: any Store
        do {
            store = try Services.openStore(config.config.store)
        } catch {
            logger.error("web page not started: cannot open the store: \(error)")
            return nil
        }
        let app = WebApp(store: store, topics: config.config.topics.map(\.name), authToken: config.config.http.authToken,
                         version: TidingsVersion.string, configPath: configPath)
        do {
            let server = try WebServer(address: listen, app: app)
            let shown = ListenAddress(host: listen.host, port: server.port)
            logger.info("web page at http://\(shown)/", metadata: ["auth": "\(config.config.http.authToken == nil ? "none" : "bearer token")"])
            return (server, store)
        } catch {
            logger.error("web page not started: \(error); polling and alerts go on without it")
            store.close()
            return nil
        }
    }
}
