import Foundation

/// The aiosmtpd receiver of Tests/Fixtures/smtp_receiver.py on 127.0.0.1: records every message it is handed,
/// parsed by Python's `email` package (decoded headers, text and HTML parts, defects), in a JSON-lines file.
public final class SMTPReceiver: @unchecked Sendable {
    public static let script = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/smtp_receiver.py")

    public enum Mode: String, Sendable {
        case ok, tempfail, refuse, stall
    }

    public let records: URL
    public private(set) var port = 0
    private var process: Process?

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// `failTimes`: with `.tempfail`, how many messages get 451 before the server accepts.
    /// `tls`: certificate and key files; the server then offers STARTTLS and refuses mail before it.
    /// `auth`: "user:password" the server then requires (SMTP AUTH PLAIN/LOGIN).
    /// `replyDelay`: seconds between recording a message and answering its data.
    public init(directory: URL, mode: Mode = .ok, failTimes: Int = 1, tls: (certificate: String, key: String)? = nil,
                auth: String? = nil, refuseRecipient: String? = nil, replyDelay: Double = 0) throws {
        records = directory.appendingPathComponent("smtp-\(mode.rawValue)-\(UUID().uuidString.prefix(6)).jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        var arguments = [Self.script.path, "--port", "0", "--records", records.path, "--mode", mode.rawValue,
                         "--fail-times", String(failTimes)]
        if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        if let auth { arguments += ["--auth", auth] }
        if let refuseRecipient { arguments += ["--refuse-rcpt", refuseRecipient] }
        if replyDelay > 0 { arguments += ["--reply-delay", String(replyDelay)] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let errors = directory.appendingPathComponent("smtp-receiver-\(UUID().uuidString.prefix(6)).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let (listening, text) = readListeningLine(output)
        guard let chosen = listening else {
            process.terminate()
            let why = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw SMTPReceiverError(message: "SMTP receiver did not start (is aiosmtpd installed? scripts/install-deps.sh installs it): \(text) \(why)")
        }
        port = chosen
        self.process = process
    }

    /// Every message handed over (accepted or refused), in arrival order.
    public func messages() -> [[String: Any]] {
        guard let text = try? String(contentsOf: records, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The messages the server accepted (replied 250 to).
    public func accepted() -> [[String: Any]] {
        messages().filter { ($0["reply"] as? String)?.hasPrefix("250") ?? false }
    }

    public func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { stop() }

    /// A self-signed certificate for 127.0.0.1 made with openssl, which the test then trusts explicitly.
    public static func makeSelfSignedCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("smtp-cert.pem").path
        let key = directory.appendingPathComponent("smtp-key.pem").path
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        guard result.status == 0 else { throw SMTPReceiverError(message: "openssl failed: \(result.stderr)") }
        return (certificate, key)
    }
}

public struct SMTPReceiverError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Header and part access on a recorded message.
extension Dictionary where Key == String, Value == Any {
    public func header(_ name: String) -> String? { (self["headers"] as? [String: Any])?[name] as? String }
    public var textPart: String { self["text"] as? String ?? "" }
    public var htmlPart: String { self["html"] as? String ?? "" }
}
