import CCurl
import CShims
import Foundation

/// Work waiting in the queue: cheap to hold by the ten thousand (no libcurl handle yet).
struct PendingTransfer {
    enum Kind {
        case fetch(FetchRequest, ResultChannel)
        case post(body: [UInt8], headers: [String], reply: CheckedContinuation<PostResult, Never>)
    }
    var kind: Kind
    var url: String
    var hostKey: String
    var timeout: TimeInterval
    var enqueuedAt: UInt64

    var channel: ResultChannel? {
        if case .fetch(_, let channel) = kind { return channel }
        return nil
    }
}

/// One easy handle in flight and everything its callbacks collect. Lives on the loop thread only; libcurl's C
/// callbacks reach it through an unretained pointer while the loop holds the strong reference.
final class Transfer {
    let easy: OpaquePointer
    let pending: PendingTransfer
    let startedAt: UInt64
    let isFile: Bool
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let maxWireBytes: Int
    let maxDecodedBytes: Int
    let maxRedirects: Int
    private let keepsBody: Bool

    // Collected by the callbacks; the header fields are reset on each status line so only the final response counts.
    var body: [UInt8] = []
    /// Body bytes received for the current response, before any Content-Encoding is undone.
    var wireBytes = 0
    var abortReason: FetchFailure?
    var statusChain: [Int] = []
    var visitedURLs: [String] = []
    var httpVersion: String?
    /// The current response's values of the fields the fetcher records (Content-Encoding lowercased, without
    /// "identity"; repeated Cache-Control lines joined with ", ").
    var headers: [Field: String] = [:]

    /// A POST whose body libcurl has sent in full: the receiver may have acted on it, whatever comes back.
    var hasSentWholeBody: Bool {
        guard case .post(let body, _, _) = pending.kind else { return false }
        var sent: curl_off_t = 0
        return tidings_easy_getinfo_off_t(easy, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK && sent >= curl_off_t(body.count)
    }

    /// Whether `deinit` cleans the easy handle up (false once the loop has taken it back for reuse).
    private var ownsHandle = true

    /// - Parameter reusing: a handle from `curl_easy_reset` to use instead of a new one.
    init?(_ pending: PendingTransfer, options: FetcherOptions, now: UInt64, reusing handle: OpaquePointer? = nil) {
        guard let easy = handle ?? curl_easy_init() else { return nil }
        self.easy = easy
        self.pending = pending
        self.startedAt = now
        self.isFile = pending.url.lowercased().hasPrefix("file:")
        self.maxWireBytes = options.maxBytes
        self.maxDecodedBytes = options.maxDecodedBytes
        self.maxRedirects = options.maxRedirects
        if case .fetch = pending.kind { keepsBody = true } else { keepsBody = false }
        configure(options)
    }

    deinit {
        if ownsHandle { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Hands the easy handle back, reset to its defaults (no option, callback or header list of this transfer left
    /// on it), for the next transfer: a new handle costs ~10 KB of allocations and a warm cycle of 10,000 feeds
    /// spent ~10 % of the fetch loop in malloc. Call after `complete`, once the handle is out of the multi handle.
    func takeHandleForReuse() -> OpaquePointer {
        curl_easy_reset(easy)
        ownsHandle = false
        return easy
    }

    private func configure(_ options: FetcherOptions) {
        func setLong(_ option: CURLoption, _ value: Int) { _ = tidings_easy_setopt_long(easy, option, value) }
        func setString(_ option: CURLoption, _ value: String) { _ = tidings_easy_setopt_string(easy, option, value) }

        setString(CURLOPT_URL, pending.url)
        setLong(CURLOPT_NOSIGNAL, 1)
        setString(CURLOPT_PROTOCOLS_STR, "http,https,file")
        // A redirect must never lead to the local file system.
        setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        setString(CURLOPT_USERAGENT, options.userAgent)
        // Bodies arrive as sent; ContentDecoding undoes the coding once the body is complete (much faster than
        // libcurl's streaming zlib). So Accept-Encoding is ours to send, below.
        setLong(CURLOPT_HTTP_CONTENT_DECODING, 0)
        setLong(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        if pending.url.lowercased().hasPrefix("https:") { setLong(CURLOPT_PIPEWAIT, 1) }
        if let caBundlePath = options.caBundlePath { setString(CURLOPT_CAINFO, caBundlePath) }
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        setLong(CURLOPT_TIMEOUT_MS, Int(pending.timeout * 1000))
        if options.lowSpeedLimit > 0 && options.lowSpeedTime > 0 {
            setLong(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedLimit)
            setLong(CURLOPT_LOW_SPEED_TIME, Int(options.lowSpeedTime.rounded(.up)))
        }
        _ = tidings_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBytes))
        // Only file:// needs libcurl's reading of the modification time; an HTTP Last-Modified is kept as sent,
        // and asking for it made libcurl parse that date on every response.
        if isFile { setLong(CURLOPT_FILETIME, 1) }

        var headers: [String] = []
        switch pending.kind {
        case .fetch(let request, _):
            setLong(CURLOPT_FOLLOWLOCATION, 1)
            setLong(CURLOPT_MAXREDIRS, options.maxRedirects)
            headers.append("Accept-Encoding: \(ContentDecoding.acceptEncoding)")
            if isFile {
                // libcurl answers file:// conditionally from the file's mtime.
                if let lastModified = request.lastModified, let date = HTTPHeaderValues.parseHTTPDate(lastModified) {
                    setLong(CURLOPT_TIMECONDITION, Int(CURL_TIMECOND_IFMODSINCE.rawValue))
                    setLong(CURLOPT_TIMEVALUE, Int(date.timeIntervalSince1970))
                }
            } else {
                if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
                if let lastModified = request.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
            }
            headers += request.extraHeaders
        case .post(let body, let extra, _):
            // Webhooks: a redirect is an answer to report, not to follow with the payload.
            setLong(CURLOPT_FOLLOWLOCATION, 0)
            setLong(CURLOPT_POST, 1)
            _ = tidings_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            if body.isEmpty {
                setString(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBufferPointer { buffer in
                    _ = tidings_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                }
            }
            // An empty Expect stops libcurl from waiting a second for "100 Continue" on larger bodies.
            headers += extra + ["Expect:"]
        }
        for line in headers {
            // On allocation failure curl_slist_append returns NULL and leaves the list intact: keep it.
            if let appended = curl_slist_append(headerList, line) { headerList = appended }
        }
        if let headerList { _ = tidings_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) }

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = tidings_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = tidings_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = tidings_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(data, size * count)
        }
        _ = tidings_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveHeader(data, size * count)
        }
    }

    // MARK: callbacks (loop thread, inside curl_multi_perform)

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        // Bytes as sent (libcurl decodes no Content-Encoding here): streamed bodies without Content-Length pass
        // MAXFILESIZE in this libcurl, so the wire limit is checked here (cheaper than a progress callback, which
        // libcurl calls on every turn of the loop for every transfer). Decoded size is bounded when decoding.
        wireBytes += length
        if wireBytes > maxWireBytes {
            abortReason = .tooLarge(limit: maxWireBytes)
            return 0
        }
        if headers[.contentEncoding] == nil && wireBytes > maxDecodedBytes {
            // Without Content-Encoding the decoded size is the wire size: call it what it is.
            abortReason = .tooLarge(limit: maxWireBytes)
            return 0
        }
        if keepsBody, let data, length > 0 {
            body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        return length
    }

    /// Header names the fetcher records, as lowercase bytes; other headers cost no String at all.
    enum Field: CaseIterable {
        case etag, lastModified, contentType, contentEncoding, cacheControl, expires, retryAfter, date, contentLength
        var name: [UInt8] {
            switch self {
            case .etag: return Array("etag".utf8)
            case .lastModified: return Array("last-modified".utf8)
            case .contentType: return Array("content-type".utf8)
            case .contentEncoding: return Array("content-encoding".utf8)
            case .cacheControl: return Array("cache-control".utf8)
            case .expires: return Array("expires".utf8)
            case .retryAfter: return Array("retry-after".utf8)
            case .date: return Array("date".utf8)
            case .contentLength: return Array("content-length".utf8)
            }
        }
        static let names: [(Field, [UInt8])] = allCases.map { ($0, $0.name) }

        static func match(_ bytes: UnsafeRawBufferPointer) -> Field? {
            for (field, name) in names where name.count == bytes.count {
                var equal = true
                for index in 0..<name.count where name[index] != (bytes[index] | 0x20) {
                    equal = false
                    break
                }
                if equal { return field }
            }
            return nil
        }
    }

    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data, length > 0 else { return length }
        let raw = UnsafeRawBufferPointer(start: data, count: length)
        if length >= 5, raw[0] == 0x48, raw[1] == 0x54, raw[2] == 0x54, raw[3] == 0x50, raw[4] == 0x2F { // "HTTP/"
            var end = length
            while end > 0, raw[end - 1] == 0x0D || raw[end - 1] == 0x0A { end -= 1 }
            let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<end]), as: UTF8.self)
            return startResponse(statusLine: line) ? length : 0
        }
        guard let colon = raw.firstIndex(of: 0x3A), let field = Field.match(UnsafeRawBufferPointer(rebasing: raw[..<colon])) else {
            return length
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var lower = colon + 1, upper = length
        while lower < upper, isSpace(raw[lower]) { lower += 1 }
        while upper > lower, isSpace(raw[upper - 1]) { upper -= 1 }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: raw[lower..<upper]), as: UTF8.self)
        switch field {
        case .contentEncoding:
            let encoding = value.lowercased()
            headers[field] = encoding == "identity" ? nil : encoding
        case .cacheControl: headers[field] = headers[field].map { "\($0), \(value)" } ?? value
        case .contentLength:
            if keepsBody, let announced = Int(value), announced > 0, body.isEmpty {
                body.reserveCapacity(min(announced, maxDecodedBytes))
            }
        default: headers[field] = value
        }
        return length
    }

    /// A new response begins (first one, a redirect's target, or a 1xx before the final one).
    private func startResponse(statusLine: String) -> Bool {
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        let code = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        httpVersion = parts.first.map { String($0.dropFirst("HTTP/".count)) }
        headers.removeAll(keepingCapacity: true)
        body.removeAll(keepingCapacity: true)
        wireBytes = 0
        guard code >= 200 else { return true }
        var current: UnsafeMutablePointer<CChar>?
        _ = tidings_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &current)
        let url = current.map { String(cString: $0) } ?? pending.url
        statusChain.append(code)
        if (300..<400).contains(code), visitedURLs.contains(url) {
            abortReason = .redirectLoop("\(url) redirects back into its own chain")
            return false
        }
        visitedURLs.append(url)
        return true
    }

}
