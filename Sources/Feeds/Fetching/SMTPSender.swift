import CCurl
import CShims
import Foundation
import Synchronization

/// One message to one SMTP server through a libcurl easy handle (libcurl speaks SMTP, STARTTLS and AUTH; no new
/// library). Blocking: the caller runs it off the cooperative pool. Every send is bounded by `timeout` (a server
/// that stalls is given up on) and can be aborted through `cancel`.
public enum SMTPSender {
    public struct Request: Sendable {
        /// `smtp://host:port` or `smtps://host:port`.
        public var url: String
        /// For smtp://: refuse to go on without STARTTLS (libcurl's CURLUSESSL_ALL).
        public var requireTLS: Bool
        public var from: String
        public var recipients: [String]
        public var username: String?
        public var password: String?
        /// A PEM file of certificate authorities to trust instead of the system's (a private or test CA).
        public var caFile: String?
        public var message: [UInt8]
        public var timeout: TimeInterval
        public var connectTimeout: TimeInterval

        public init(url: String, requireTLS: Bool, from: String, recipients: [String], username: String? = nil,
                    password: String? = nil, caFile: String? = nil, message: [UInt8], timeout: TimeInterval = 60,
                    connectTimeout: TimeInterval = 10) {
            self.url = url
            self.requireTLS = requireTLS
            self.from = from
            self.recipients = recipients
            self.username = username
            self.password = password
            self.caFile = caFile
            self.message = message
            self.timeout = timeout
            self.connectTimeout = connectTimeout
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// The server answered 250 to the message's data: it has it.
        case accepted
        /// Worth retrying: a 4xx reply, a connection, TLS or time-out failure.
        case transient(String)
        /// The server refused for good (a 5xx reply): retrying would get the same answer.
        case permanent(String)
    }

    /// Set from another thread to abort a send in progress (shutdown).
    public final class Cancellation: Sendable {
        /// When `cancel` was first called (monotonic nanoseconds), 0 until then.
        private let cancelledAt = Atomic<UInt64>(0)
        public init() {}
        public func cancel() {
            _ = cancelledAt.compareExchange(expected: 0, desired: max(1, DispatchTime.now().uptimeNanoseconds), ordering: .relaxed)
        }
        public var isCancelled: Bool { cancelledAt.load(ordering: .relaxed) != 0 }
        /// Seconds since `cancel`, 0 when not cancelled.
        var secondsCancelled: Double {
            let at = cancelledAt.load(ordering: .relaxed)
            return at == 0 ? 0 : Double(DispatchTime.now().uptimeNanoseconds &- at) / 1e9
        }
    }

    public static func send(_ request: Request, cancellation: Cancellation = Cancellation()) -> Outcome {
        FetcherGlobal.initialize()
        guard let easy = curl_easy_init() else { return .transient("cannot create a libcurl handle") }
        defer { curl_easy_cleanup(easy) }
        let upload = Upload(bytes: request.message, cancellation: cancellation)
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { if let recipientList { curl_slist_free_all(recipientList) } }
        for recipient in request.recipients {
            if let appended = curl_slist_append(recipientList, "<\(recipient)>") { recipientList = appended }
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            func setLong(_ option: CURLoption, _ value: Int) { _ = tidings_easy_setopt_long(easy, option, value) }
            func setString(_ option: CURLoption, _ value: String) { _ = tidings_easy_setopt_string(easy, option, value) }
            setString(CURLOPT_URL, request.url)
            setString(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            setLong(CURLOPT_NOSIGNAL, 1)
            setLong(CURLOPT_USE_SSL, Int(request.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
            setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
            setLong(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            setString(CURLOPT_MAIL_FROM, "<\(request.from)>")
            if let recipientList { _ = tidings_easy_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipientList) }
            if let username = request.username { setString(CURLOPT_USERNAME, username) }
            if let password = request.password { setString(CURLOPT_PASSWORD, password) }
            if let caFile = request.caFile { setString(CURLOPT_CAINFO, caFile) }
            _ = tidings_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errors.baseAddress)
            setLong(CURLOPT_UPLOAD, 1)
            _ = tidings_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.message.count))
            let context = Unmanaged.passUnretained(upload).toOpaque()
            _ = tidings_easy_setopt_pointer(easy, CURLOPT_READDATA, context)
            _ = tidings_easy_setopt_write_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                return Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue().read(into: buffer, size * count)
            }
            // The progress callback is how a shutdown reaches a transfer that is waiting on a silent server.
            _ = tidings_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, context)
            setLong(CURLOPT_NOPROGRESS, 0)
            _ = tidings_easy_setopt_xferinfo_callback(easy) { context, _, _, _, _ in
                guard let context else { return 1 }
                return Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue().shouldAbort ? 1 : 0
            }
            return withExtendedLifetime(upload) { curl_easy_perform(easy) }
        }
        var reply = 0
        _ = tidings_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &reply)
        if code == CURLE_OK { return .accepted }
        var detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if detail.isEmpty { detail = String(cString: curl_easy_strerror(code)) }
        if cancellation.isCancelled { return .transient("aborted at shutdown") }
        let described = reply > 0 ? "smtp \(reply): \(detail)" : detail
        if (500..<600).contains(reply) { return .permanent(described) }
        return .transient(described)
    }

    /// The message bytes handed to libcurl in the pieces it asks for.
    private final class Upload {
        let bytes: [UInt8]
        let cancellation: Cancellation
        var offset = 0
        init(bytes: [UInt8], cancellation: Cancellation) {
            self.bytes = bytes
            self.cancellation = cancellation
        }

        /// A shutdown aborts at once while the message is still being handed over; once all of it is, only
        /// after `ShutdownGrace.replySeconds` without the server's reply.
        var shouldAbort: Bool {
            guard cancellation.isCancelled else { return false }
            return offset < bytes.count || cancellation.secondsCancelled > ShutdownGrace.replySeconds
        }

        func read(into buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int {
            if cancellation.isCancelled { return Int(CURL_READFUNC_ABORT) }
            let count = min(capacity, bytes.count - offset)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }
}
