import Foundation

/// Launches Tests/Fixtures/misbehaving_server.py (python3, stdlib only) on a free loopback port.
public final class MisbehavingServer: @unchecked Sendable {
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    public enum StartError: Error, CustomStringConvertible {
        case noPort(String)
        public var description: String {
            switch self { case .noPort(let output): return "misbehaving_server.py printed no port: \(output)" }
        }
    }

    public static var scriptPath: URL {
        TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/misbehaving_server.py")
    }

    public static func start() throws -> MisbehavingServer { try MisbehavingServer() }

    private init() throws {
        let process = CleanSignalLauncher.process(executable: CleanSignalLauncher.python3, arguments: [Self.scriptPath.path])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints its port on the first line and nothing after.
        var line = Data()
        let deadline = Date().addingTimeInterval(10)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text) else {
            CleanSignalLauncher.stop(process)
            throw StartError.noPort(text)
        }
        self.port = port
        self.process = process
    }

    deinit { stop() }

    public func url(_ path: String) -> String { baseURL + path }

    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        CleanSignalLauncher.stop(process)
    }
}
