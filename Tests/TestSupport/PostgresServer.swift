import Foundation

/// A throwaway PostgreSQL server from the Debian package: initdb in a temporary directory, started on a free
/// port (TCP on 127.0.0.1 and a Unix socket in that directory), stopped and removed by `stop()`.
/// initdb refuses to run as root, so under root the server runs as the `postgres` user via runuser; the
/// directory lives under /tmp with mode 755 so that user can reach it.
public final class PostgresServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    /// `postgresql://postgres@127.0.0.1:PORT/tidings`
    public let url: String
    private let dataDirectory: URL
    private let lock = NSLock()
    private var stopped = false
    private var databaseCounter = 0

    public struct Failure: Error, CustomStringConvertible {
        public let step: String
        public let output: String
        public var description: String { "PostgreSQL test server: \(step) failed: \(output)" }
    }

    /// Where the Debian package keeps the server binaries (the newest version installed).
    public static var binDirectory: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let sorted = versions.compactMap { Int($0) }.sorted()
        guard let newest = sorted.last else { return nil }
        let bin = root.appendingPathComponent("\(newest)/bin")
        return FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) ? bin : nil
    }

    public static var isAvailable: Bool { binDirectory != nil }

    private static var runningAsRoot: Bool { getuid() == 0 }

    /// Runs a server binary as the user that owns the data directory.
    private static func runServerTool(_ tool: String, _ arguments: [String]) throws -> ProcessResult {
        guard let bin = binDirectory else { throw Failure(step: "find binaries", output: "/usr/lib/postgresql/*/bin missing") }
        let executable = bin.appendingPathComponent(tool)
        if runningAsRoot {
            return try runProcess(URL(fileURLWithPath: "/usr/sbin/runuser"),
                                  ["-u", "postgres", "--", executable.path] + arguments)
        }
        return try runProcess(executable, arguments)
    }

    /// Runs a server tool with stdin/stdout/stderr on /dev/null and returns its exit status (`spawnDetached`).
    private static func runDetaching(_ tool: String, _ arguments: [String]) throws -> Int32 {
        guard let bin = binDirectory else { throw Failure(step: "find binaries", output: "/usr/lib/postgresql/*/bin missing") }
        let executable = bin.appendingPathComponent(tool).path
        return try spawnDetached(runningAsRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
                                              : [executable] + arguments)
    }

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
        self.dataDirectory = directory.appendingPathComponent("data")
        self.url = "postgresql://postgres@127.0.0.1:\(port)/tidings"
    }

    /// initdb, start and create the database `tidings`. Retries on another port if the chosen one was taken
    /// between allocation and start.
    public static func start() throws -> PostgresServer {
        let base = URL(fileURLWithPath: "/tmp").appendingPathComponent("tidings-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: base.path)
            if runningAsRoot {
                try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: base.path)
            }
            let initdb = try runServerTool("initdb", ["-D", base.appendingPathComponent("data").path, "--auth=trust",
                                                      "--no-sync", "-U", "postgres", "--encoding=UTF8", "--locale=C"])
            guard initdb.status == 0 else { throw Failure(step: "initdb", output: initdb.stdout + initdb.stderr) }
            var lastFailure: Error?
            for _ in 0..<3 {
                let server = PostgresServer(directory: base, port: try FreePort.allocate())
                do {
                    try server.launch()
                    return server
                } catch {
                    lastFailure = error
                }
            }
            throw lastFailure ?? Failure(step: "start", output: "no attempt made")
        } catch {
            try? FileManager.default.removeItem(at: base)
            throw error
        }
    }

    private var serverOptions: String {
        "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    }

    private func pgCtl(_ arguments: [String]) throws {
        // The server outlives pg_ctl and inherits its stdout/stderr: with pipes there, reading them to EOF would
        // wait for the server to exit. So pg_ctl's own output goes to a file.
        let status = try Self.runDetaching("pg_ctl", ["-D", dataDirectory.path, "-w", "-t", "60",
                                                      "-l", directory.appendingPathComponent("server.log").path,
                                                      "-o", serverOptions] + arguments)
        guard status == 0 else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            throw Failure(step: "pg_ctl \(arguments.joined(separator: " ")) (exit \(status))", output: log)
        }
    }

    /// `pg_ctl restart -m fast`: every client connection is cut, the data stays.
    public func restart() throws { try pgCtl(["-m", "fast", "restart"]) }

    /// `pg_ctl stop -m fast`: the server is down (connections refused) until `resume`.
    public func pause() throws { try pgCtl(["-m", "fast", "stop"]) }

    public func resume() throws { try pgCtl(["start"]) }

    private func launch() throws {
        try pgCtl(["start"])
        let created = try runClientTool("createdb", ["tidings"])
        guard created.status == 0 else {
            _ = try? Self.runDetaching("pg_ctl", ["-D", dataDirectory.path, "-m", "immediate", "stop"])
            throw Failure(step: "createdb", output: created.stdout + created.stderr)
        }
    }

    private func runClientTool(_ tool: String, _ arguments: [String]) throws -> ProcessResult {
        guard let bin = Self.binDirectory else { throw Failure(step: "find binaries", output: "missing") }
        return try runProcess(bin.appendingPathComponent(tool),
                              ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"] + arguments)
    }

    /// A fresh, empty database on this server, so tests sharing one server do not see each other's rows.
    public func createDatabase(prefix: String = "t") throws -> String {
        let name: String = lock.withLock {
            databaseCounter += 1
            return "\(prefix)_\(databaseCounter)_\(UInt32.random(in: 0...UInt32.max))"
        }
        let result = try runClientTool("createdb", [name])
        guard result.status == 0 else { throw Failure(step: "createdb \(name)", output: result.stdout + result.stderr) }
        return "postgresql://postgres@127.0.0.1:\(port)/\(name)"
    }

    /// Runs SQL through psql against `database` (default `tidings`); returns psql's unaligned output.
    public func psql(_ sql: String, database: String = "tidings") throws -> String {
        let result = try runClientTool("psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql])
        guard result.status == 0 else { throw Failure(step: "psql", output: result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server at once (no checkpoint: the data is thrown away) and removes its directory.
    public func stop() {
        let alreadyStopped: Bool = lock.withLock {
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        _ = try? Self.runDetaching("pg_ctl", ["-D", dataDirectory.path, "-m", "immediate", "-w", "stop"])
        // rm rather than FileManager: this also runs from atexit, where FileManager.removeItem was seen leaving
        // the directory behind.
        _ = try? spawnDetached(["/bin/rm", "-rf", directory.path])
    }

    deinit { stop() }

    // MARK: One server per test process

    nonisolated(unsafe) private static var sharedServer: Result<PostgresServer, Error>?
    private static let sharedLock = NSLock()

    /// A server shared by every test in this process, started on first use and stopped when the process exits
    /// (tests create their own database on it with `createDatabase`).
    public static func shared() throws -> PostgresServer {
        try sharedLock.withLock {
            if let sharedServer { return try sharedServer.get() }
            let result = Result { try PostgresServer.start() }
            sharedServer = result
            if case .success = result {
                atexit {
                    if case .success(let server)? = PostgresServer.sharedServer { server.stop() }
                }
            }
            return try result.get()
        }
    }
}
