import Foundation

/// Helpers shared by the test targets: temporary directories, free ports, fixture paths.
public enum TestPaths {
    /// The package root (the folder holding Package.swift), found from this source file's location.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared` beside the project, when present (CI always has it; a user's clone may not).
    public static var shared: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The built `tidings` binary: $TIDINGS_BINARY, else the debug build next to the tests.
    public static var tidingsBinary: URL {
        if let path = ProcessInfo.processInfo.environment["TIDINGS_BINARY"] { return URL(fileURLWithPath: path) }
        let candidates = [".build/debug/tidings", ".build/release/tidings"]
        for candidate in candidates {
            let url = packageRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/tidings")
    }

    /// The benchmark and stress drivers (`tidings-bench`), built beside the `tidings` binary in use.
    public static var benchBinary: URL {
        tidingsBinary.deletingLastPathComponent().appendingPathComponent("tidings-bench")
    }

    /// A fresh temporary directory, removed by the caller when done.
    public static func makeTemporaryDirectory(_ prefix: String = "tidings-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public enum FreePort {
    /// Asks the kernel for an unused TCP port on 127.0.0.1.
    public static func allocate() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs a program to completion and captures its output.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                       currentDirectory: URL? = nil, stdin: Data? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try? inPipe.fileHandleForWriting.close()
    // Read stderr on another thread so a chatty child never blocks on a full pipe.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

public enum FileManagerCheck {
    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

public enum TestEnvironment {
    /// `make test` sets TIDINGS_TEST_STRICT=1 after installing nginx, PostgreSQL and systemd and building the
    /// binary: tests that need them must then run (and fail if a part is missing) instead of skipping quietly.
    /// Only the suites over `../shared` may still skip, since a user's clone has no `../shared`.
    public static let strict = ProcessInfo.processInfo.environment["TIDINGS_TEST_STRICT"] == "1"
}

/// Runs a program with stdin/stdout/stderr on /dev/null and no other descriptor of ours, waits for it and
/// returns its exit status. posix_spawn and waitpid rather than Foundation's Process: pg_ctl leaves a daemon
/// behind, and Process was seen never noticing its child's exit in that case (the test run hung with the child a
/// zombie).
public func spawnDetached(_ argv: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor in Int32(0)...2 {
        posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    // Nothing else of ours may reach the child: the server that pg_ctl leaves behind lives until the test
    // process exits, and an inherited write end of another test's pipe (a `tidings` child's stdout being
    // read to EOF) would keep that test waiting forever. Seen in CI: the run hung until its time limit.
    guard let closeFrom = closeFromAction, closeFrom(&actions, 3) == 0 else {
        throw SpawnFailure(program: argv[0], reason: "posix_spawn_file_actions_addclosefrom_np unavailable (glibc ≥ 2.34)")
    }
    var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
    guard spawned == 0 else { throw SpawnFailure(program: argv[0], reason: String(cString: strerror(spawned))) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, spelled out (the C macros do not import).
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not export.
private let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

public struct SpawnFailure: Error, CustomStringConvertible {
    public let program: String
    public let reason: String
    public var description: String { "cannot start \(program): \(reason)" }
}

/// Waits for a test server's first stdout line, "LISTENING <port>"; returns the port, or nil with the line read.
public func readListeningLine(_ output: Pipe) -> (port: Int?, line: String) {
    var line = Data()
    while true {
        let byte = output.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty || byte == Data("\n".utf8) { break }
        line += byte
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("LISTENING "), let port = Int(text.dropFirst("LISTENING ".count)) else { return (nil, text) }
    return (port, text)
}
