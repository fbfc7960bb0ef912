import Foundation
import Testing
import TestSupport

/// A `tidings run` process started from the built binary, with its stderr kept in a file for assertions.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let logFile: URL

    init(arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        self.logFile = logFile
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = TestPaths.tidingsBinary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit; nil when it is still running after `seconds`.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Ends the process whatever it is doing (cleanup after a failed test).
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// The Python webhook receiver of Tests/Fixtures: records every delivery attempt (with its signature check) in a
/// JSON-lines file that survives restarts, and can be told to fail for a while.
final class WebhookReceiver: @unchecked Sendable {
    static let script = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/webhook_receiver.py")
    let records: URL
    let secret: String
    /// Seconds every delivery's response is held after the attempt is recorded.
    let replyDelay: Double
    private(set) var port: Int
    private var process: Process?

    var url: String { "http://127.0.0.1:\(port)/hook" }

    init(directory: URL, secret: String, port: Int = 0, replyDelay: Double = 0) throws {
        records = directory.appendingPathComponent("received.jsonl")
        self.secret = secret
        self.port = port
        self.replyDelay = replyDelay
        try start()
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script.path, "--port", String(port), "--secret", secret, "--records", records.path,
                             "--reply-delay", String(replyDelay)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let (listening, text) = readListeningLine(output)
        guard let chosen = listening else {
            process.terminate()
            throw ReceiverError(message: "webhook receiver did not start: \(text)")
        }
        port = chosen
        self.process = process
    }

    /// Takes the receiver down: connections are refused until `start()`.
    func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// The next `times` deliveries (all when nil) get `status`, with Retry-After for 429/503.
    func failNext(status: Int, retryAfter: Int? = nil, times: Int? = nil) throws {
        var command: [String: Any] = ["status": status]
        if let retryAfter { command["retry_after"] = retryAfter }
        if let times { command["times"] = times }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: command), as: UTF8.self)
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/curl"),
                                    ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data", body,
                                     "http://127.0.0.1:\(port)/_control"])
        guard result.stdout == "204" else { throw ReceiverError(message: "control request answered \(result.stdout)") }
    }

    struct Delivery {
        let id: String
        let status: Int
        let problems: [String]
        let signatureOK: Bool?
        let alert: [String: Any]
    }

    func deliveries() -> [Delivery] {
        guard let text = try? String(contentsOf: records, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Delivery(id: object["id"] as? String ?? "", status: object["status"] as? Int ?? 0,
                            problems: object["problems"] as? [String] ?? [], signatureOK: object["signature_ok"] as? Bool,
                            alert: object["alert"] as? [String: Any] ?? [:])
        }
    }

    /// Ids accepted with a 2xx, in arrival order (repeats kept, so tests can count them).
    func acceptedIDs() -> [String] { deliveries().filter { (200..<300).contains($0.status) }.map(\.id) }

    deinit { stop() }
}

struct ReceiverError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Small helpers for writing feeds and reading alert logs.
enum Fixture {
    struct Story {
        var title: String
        var link: String
        var published: String  // RFC 822
        var paragraphs: [String]
    }

    static func rss(title: String, stories: [Story]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>\(escape(title))</title><link>https://example.org/</link>
            <description>test feed</description>

            """
        for story in stories {
            let body = story.paragraphs.map { "<p>\(escape($0))</p>" }.joined()
            xml += """
                <item><title>\(escape(story.title))</title><link>\(escape(story.link))</link>
                <guid>\(escape(story.link))</guid><pubDate>\(story.published)</pubDate>
                <description>\(escape(body))</description></item>

                """
        }
        return xml + "</channel></rss>\n"
    }

    /// Alert JSON objects of a JSON-lines log, in order.
    static func alerts(in log: URL) -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    static func eventually(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    static func write(_ text: String, to url: URL) throws { try NginxServer.writeWhole(text, to: url) }

    static var binaryIsBuilt: Bool { FileManager.default.isExecutableFile(atPath: TestPaths.tidingsBinary.path) }
    static var nginxIsInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") }
}
