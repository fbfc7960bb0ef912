import Foundation

/// Why a fetch failed. `reason` is short and stable: the store records it and `status` shows it.
public enum FetchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case dns(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    /// A final status outside 2xx/304 (410 is `.gone`).
    case httpStatus(code: Int, retryAfter: TimeInterval?)
    /// 410 Gone: the feed is retired.
    case gone
    /// The body on the wire passed `limit` bytes (or Content-Length announced more).
    case tooLarge(limit: Int)
    /// The decoded body passed `limit` bytes: a compression bomb or an absurd feed.
    case decodedTooLarge(limit: Int)
    /// A redirect led back to a URL already visited in the same chain.
    case redirectLoop(String)
    case tooManyRedirects(limit: Int)
    /// The connection closed before the announced body arrived.
    case truncated(String)
    /// The server's Content-Encoding could not be decoded.
    case badEncoding(String)
    /// A file:// URL that cannot be read.
    case fileUnreadable(String)
    /// The URL is malformed or names a scheme other than http, https or file.
    case badURL(String)
    /// The fetcher was shut down (or the caller cancelled) before the transfer finished.
    case aborted
    case other(code: Int, message: String)

    public var reason: String {
        switch self {
        case .dns: return "dns"
        case .connect: return "connect"
        case .tls: return "tls"
        case .timeout: return "timeout"
        case .httpStatus(let code, _): return "http \(code)"
        case .gone: return "http 410"
        case .tooLarge: return "too large"
        case .decodedTooLarge: return "decoded too large"
        case .redirectLoop: return "redirect loop"
        case .tooManyRedirects: return "too many redirects"
        case .truncated: return "truncated"
        case .badEncoding: return "bad encoding"
        case .fileUnreadable: return "file unreadable"
        case .badURL: return "bad url"
        case .aborted: return "aborted"
        case .other(let code, _): return "curl \(code)"
        }
    }

    /// Retry-After carried by 429/503 (or any status that sent one).
    public var retryAfter: TimeInterval? {
        if case .httpStatus(_, let retryAfter) = self { return retryAfter }
        return nil
    }

    public var description: String {
        switch self {
        case .dns(let detail), .connect(let detail), .tls(let detail), .timeout(let detail),
             .redirectLoop(let detail), .truncated(let detail), .badEncoding(let detail), .fileUnreadable(let detail),
             .badURL(let detail):
            return detail.isEmpty ? reason : "\(reason): \(detail)"
        case .httpStatus(let code, let retryAfter):
            if let retryAfter { return "http \(code) (retry after \(Int(retryAfter.rounded())) s)" }
            return "http \(code)"
        case .gone: return "http 410 gone"
        case .tooLarge(let limit): return "too large: body over \(limit) bytes"
        case .decodedTooLarge(let limit): return "decoded too large: body over \(limit) bytes after decompression"
        case .tooManyRedirects(let limit): return "too many redirects: more than \(limit)"
        case .aborted: return "aborted"
        case .other(let code, let message): return "curl \(code): \(message)"
        }
    }
}
