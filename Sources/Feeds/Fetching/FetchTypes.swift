import Foundation

/// One feed to fetch. `key` is the caller's identifier (a feed id) and comes back unchanged in the result.
public struct FetchRequest: Sendable, Hashable {
    public var key: String
    public var url: String
    /// Validators from the previous successful fetch, sent as If-None-Match / If-Modified-Since.
    public var etag: String?
    public var lastModified: String?
    /// Raw header lines ("Name: value") added to the request.
    public var extraHeaders: [String]

    public init(key: String, url: String, etag: String? = nil, lastModified: String? = nil, extraHeaders: [String] = []) {
        self.key = key
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.extraHeaders = extraHeaders
    }

    /// True when the request carries a validator, i.e. the server may answer 304.
    public var isConditional: Bool { etag != nil || lastModified != nil }
}

public struct FetcherOptions: Sendable {
    /// Transfers in flight at once, across all hosts.
    public var concurrency: Int = 64
    /// Transfers in flight at once to one host (host:port).
    public var perHost: Int = 4
    /// Whole transfer, redirects included.
    public var timeout: TimeInterval = 30
    public var connectTimeout: TimeInterval = 10
    /// Abort when fewer than `lowSpeedLimit` bytes/s arrive for `lowSpeedTime` seconds (a slow drip).
    public var lowSpeedLimit: Int = 16
    public var lowSpeedTime: TimeInterval = 15
    /// Largest body accepted on the wire (compressed size when the server compresses).
    public var maxBytes: Int = 10 * 1024 * 1024
    /// Largest body accepted after content decoding (guards against gzip bombs).
    public var maxDecodedBytes: Int = 10 * 1024 * 1024
    /// Redirects followed before giving up (the issue fixes 5).
    public var maxRedirects: Int = 5
    public var userAgent: String = FetcherOptions.defaultUserAgent
    /// PEM bundle of extra trusted CAs (a private CA); nil uses the system store.
    public var caBundlePath: String?
    /// Bodies fetched but not yet taken by the consumer; above this no new transfer starts (bounds memory
    /// when the consumer, e.g. the parser, is slower than the network).
    public var maxBufferedBodyBytes: Int = 8 * 1024 * 1024

    public static let version = "0.1.0"
    public static let defaultUserAgent = "tidings/\(version) (+https://github.com/tidings/tidings)"

    public init(concurrency: Int = 64, perHost: Int = 4, timeout: TimeInterval = 30, connectTimeout: TimeInterval = 10,
                lowSpeedLimit: Int = 16, lowSpeedTime: TimeInterval = 15, maxBytes: Int = 10 * 1024 * 1024,
                maxDecodedBytes: Int? = nil, maxRedirects: Int = 5, userAgent: String = FetcherOptions.defaultUserAgent) {
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxBytes = maxBytes
        self.maxDecodedBytes = maxDecodedBytes ?? maxBytes
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
    }
}

/// Where the time of one transfer went, in seconds (libcurl's own clocks; zero where a phase did not happen).
public struct FetchTimings: Sendable, Hashable {
    /// Waiting in tidings' own queue for a global or per-host slot.
    public var queued: TimeInterval = 0
    public var nameLookup: TimeInterval = 0
    public var connect: TimeInterval = 0
    public var tlsHandshake: TimeInterval = 0
    public var firstByte: TimeInterval = 0
    public var total: TimeInterval = 0
    public var redirect: TimeInterval = 0
    public init() {}
}

/// What the server said about the response, whatever the outcome.
public struct FetchMetadata: Sendable, Hashable {
    /// Final HTTP status; nil for file:// and for transfers that failed before any status line.
    public var status: Int?
    public var etag: String?
    public var lastModified: String?
    /// Media type, lowercased, without parameters ("application/rss+xml").
    public var contentType: String?
    /// The charset parameter of Content-Type, lowercased, as sent (may be wrong: the parser decides).
    public var charset: String?
    public var contentEncoding: String?
    /// Cache-Control max-age in seconds.
    public var cacheMaxAge: TimeInterval?
    /// Expires minus the server's Date (or now), in seconds; negative or zero when already expired.
    public var expiresIn: TimeInterval?
    /// Retry-After in seconds from when the response arrived (both the delay and the HTTP-date forms).
    public var retryAfter: TimeInterval?
    /// The URL that answered last (after redirects).
    public var effectiveURL: String
    /// Where the feed has moved for good: the URL reached through an unbroken chain of 301/308 from the start.
    public var permanentRedirect: String?
    public var redirectCount: Int = 0
    /// Every status line seen along the redirect chain, in order.
    public var statusChain: [Int] = []
    /// "1.1", "2", "3", or nil (file://).
    public var httpVersion: String?
    public var bytesOnWire: Int = 0
    public var bytesDecoded: Int = 0
    public var timings = FetchTimings()

    public init(effectiveURL: String) { self.effectiveURL = effectiveURL }
}

public struct FetchedBody: Sendable {
    /// The decoded body (Content-Encoding already undone by libcurl).
    public var bytes: [UInt8]
    /// The URL the body came from after redirects: the base for relative links.
    public var url: String
    public var contentType: String?
    public var charset: String?

    public init(bytes: [UInt8], url: String, contentType: String?, charset: String?) {
        self.bytes = bytes
        self.url = url
        self.contentType = contentType
        self.charset = charset
    }
}

public enum FetchOutcome: Sendable {
    case fetched(FetchedBody)
    case notModified(FetchMetadata)
    case failed(FetchFailure)
}

public struct FetchResult: Sendable {
    public var request: FetchRequest
    public var outcome: FetchOutcome
    public var metadata: FetchMetadata

    public var failure: FetchFailure? {
        if case .failed(let failure) = outcome { return failure }
        return nil
    }
    public var body: FetchedBody? {
        if case .fetched(let body) = outcome { return body }
        return nil
    }
    public var isNotModified: Bool {
        if case .notModified = outcome { return true }
        return false
    }
}

/// The answer to a one-shot POST (webhooks).
public struct PostResult: Sendable {
    public var status: Int?
    public var retryAfter: TimeInterval?
    public var failure: FetchFailure?
}
