import Foundation

/// A real nginx on 127.0.0.1 serving one directory, with its own config, pid, logs and temp paths in a temporary
/// directory. Started in the foreground (`daemon off`) as a child process; `stop()` ends it and removes the temp
/// directory (never the served root). gzip is on for feed types, so ETag, Last-Modified, 304 and gzip are
/// nginx's own.
public final class NginxServer: @unchecked Sendable {
    public let port: Int
    public let root: URL
    public let workDirectory: URL
    public let usesTLS: Bool
    public var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }
    private let process: Process
    private let accessLogPath: URL
    private let lock = NSLock()
    private var stopped = false

    public enum StartError: Error, CustomStringConvertible {
        case notInstalled
        case didNotListen(port: Int, errorLog: String)
        public var description: String {
            switch self {
            case .notInstalled: return "nginx not found at /usr/sbin/nginx (apt-get install nginx-light)"
            case .didNotListen(let port, let log): return "nginx did not listen on 127.0.0.1:\(port): \(log)"
            }
        }
    }

    /// Starts nginx serving `root`. `workers` > 1 runs a master with that many workers.
    /// With `tls` (PEM certificate and key, e.g. from `SelfSignedCertificate.make`), nginx listens with TLS and
    /// HTTP/2 and `baseURL` is https.
    public static func start(root: URL, workers: Int = 1, tls: (certificate: URL, key: URL)? = nil,
                             extraServerConfig: String = "") throws -> NginxServer {
        try NginxServer(root: root, workers: workers, tls: tls, extraServerConfig: extraServerConfig)
    }

    private init(root: URL, workers: Int, tls: (certificate: URL, key: URL)?, extraServerConfig: String) throws {
        usesTLS = tls != nil
        var extraServerConfig = extraServerConfig
        if let tls {
            extraServerConfig += "\n ssl_certificate \(tls.certificate.path);\n ssl_certificate_key \(tls.key.path);\n"
        }
        let binary = URL(fileURLWithPath: "/usr/sbin/nginx")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw StartError.notInstalled }
        self.root = root.standardizedFileURL
        workDirectory = try TestPaths.makeTemporaryDirectory("tidings-nginx")
        accessLogPath = workDirectory.appendingPathComponent("access.log")
        var lastError: Error?
        // A port from FreePort can be taken by someone else before nginx binds it: try a few.
        for _ in 0..<5 {
            let port = try FreePort.allocate()
            let config = Self.config(port: port, root: self.root, work: workDirectory, workers: workers,
                                     listenSuffix: tls == nil ? "" : " ssl http2", extra: extraServerConfig)
            let configPath = workDirectory.appendingPathComponent("nginx.conf")
            try config.write(to: configPath, atomically: true, encoding: .utf8)
            let process = CleanSignalLauncher.process(
                executable: binary.path,
                arguments: ["-p", workDirectory.path, "-c", configPath.path,
                            "-e", workDirectory.appendingPathComponent("error.log").path])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitForListener(port: port, process: process, seconds: 5) {
                self.port = port
                self.process = process
                return
            }
            CleanSignalLauncher.stop(process)
            let log = (try? String(contentsOf: workDirectory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
            lastError = StartError.didNotListen(port: port, errorLog: log)
        }
        try? FileManager.default.removeItem(at: workDirectory)
        throw lastError ?? StartError.didNotListen(port: 0, errorLog: "")
    }

    deinit { stop() }

    /// Every request logged so far, in order.
    public func accessLog() -> [AccessLogLine] {
        guard let text = try? String(contentsOf: accessLogPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { AccessLogLine(String($0)) }
    }

    /// The access log once it holds at least `count` lines (or after `seconds`): nginx logs a request after it
    /// has sent the response, so a client can hold the answer a moment before its line is written.
    public func accessLog(atLeast count: Int, within seconds: TimeInterval = 3) -> [AccessLogLine] {
        let deadline = Date().addingTimeInterval(seconds)
        var lines = accessLog()
        while lines.count < count && Date() < deadline {
            usleep(10_000)
            lines = accessLog()
        }
        return lines
    }

    /// Forgets the requests logged so far (the file is truncated; nginx keeps appending to it).
    public func clearAccessLog() {
        if let handle = try? FileHandle(forWritingTo: accessLogPath) {
            try? handle.truncate(atOffset: 0)
            try? handle.close()
        }
    }

    /// Puts `text` at `name` under the served root, written then renamed, so nginx never serves half a file.
    public func publish(_ name: String, _ text: String) throws {
        try NginxServer.writeWhole(text, to: root.appendingPathComponent(name))
    }

    /// Writes `text` to a hidden temporary beside `url`, then renames it into place.
    public static func writeWhole(_ text: String, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        CleanSignalLauncher.stop(process, grace: 5)
        try? FileManager.default.removeItem(at: workDirectory)
    }

    private static func config(port: Int, root: URL, work: URL, workers: Int, listenSuffix: String, extra: String) -> String {
        let dir = work.path
        return """
        daemon off;
        master_process \(workers > 1 ? "on" : "off");
        worker_processes \(max(1, workers));
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log warn;
        events { worker_connections 4096; }
        http {
            types {
                application/rss+xml rss;
                application/atom+xml atom;
                application/xml xml;
                application/feed+json json;
                text/html html htm;
                text/plain txt;
            }
            default_type application/octet-stream;
            log_format tidings '$status|$request_method|$request_uri|$http_if_none_match|$http_if_modified_since|$http_accept_encoding|$body_bytes_sent|$sent_http_content_encoding|$server_protocol|$http_user_agent';
            access_log \(dir)/access.log tidings;
            client_body_temp_path \(dir)/client_body;
            proxy_temp_path \(dir)/proxy;
            fastcgi_temp_path \(dir)/fastcgi;
            uwsgi_temp_path \(dir)/uwsgi;
            scgi_temp_path \(dir)/scgi;
            sendfile on;
            keepalive_requests 1000000;
            keepalive_timeout 60s;
            gzip on;
            gzip_min_length 256;
            gzip_types application/rss+xml application/atom+xml application/xml application/feed+json text/xml text/plain;
            gzip_vary on;
            server {
                listen 127.0.0.1:\(port)\(listenSuffix);
                root \(root.path);
                \(extra)
            }
        }
        """
    }

    private static func waitForListener(port: Int, process: Process, seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && process.isRunning {
            if canConnect(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}

/// One line of the test nginx's access log (format `tidings` in the generated config).
public struct AccessLogLine: Sendable, Hashable {
    public let status: Int
    public let method: String
    public let uri: String
    /// nil when the request carried no such header.
    public let ifNoneMatch: String?
    public let ifModifiedSince: String?
    public let acceptEncoding: String?
    public let bodyBytesSent: Int
    /// The Content-Encoding nginx answered with ("gzip"), nil for none.
    public let contentEncoding: String?
    public let serverProtocol: String
    public let userAgent: String?

    public var isConditional: Bool { ifNoneMatch != nil || ifModifiedSince != nil }

    init?(_ line: String) {
        let fields = line.split(separator: "|", maxSplits: 9, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 10, let status = Int(fields[0]) else { return nil }
        func optional(_ value: String) -> String? { value == "-" || value.isEmpty ? nil : value }
        self.status = status
        method = fields[1]
        uri = fields[2]
        ifNoneMatch = optional(fields[3]).map { $0.replacingOccurrences(of: "\\x22", with: "\"") }
        ifModifiedSince = optional(fields[4])
        acceptEncoding = optional(fields[5])
        bodyBytesSent = Int(fields[6]) ?? 0
        contentEncoding = optional(fields[7])
        serverProtocol = fields[8]
        userAgent = optional(fields[9])
    }
}

/// A throwaway certificate for 127.0.0.1 made with the openssl command-line tool.
public enum SelfSignedCertificate {
    public struct Files: Sendable {
        public let certificate: URL
        public let key: URL
    }

    public enum MakeError: Error, CustomStringConvertible {
        case openssl(String)
        public var description: String {
            switch self { case .openssl(let output): return "openssl req failed: \(output)" }
        }
    }

    public static func make(in directory: URL) throws -> Files {
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", certificate.path, "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        guard result.status == 0 else { throw MakeError.openssl(result.stderr) }
        return Files(certificate: certificate, key: key)
    }
}
