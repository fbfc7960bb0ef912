import CCurl
import Foundation

/// Parsers for the response header values the fetcher records. Pure functions, tested directly.
public enum HTTPHeaderValues {
    /// Seconds since the epoch for an HTTP-date (RFC 7231 IMF-fixdate, RFC 850 and asctime forms all work:
    /// libcurl's own date parser handles them).
    public static func parseHTTPDate(_ text: String) -> Date? {
        // curl_getdate skips surrounding blanks itself.
        guard !text.isEmpty else { return nil }
        let seconds = text.withCString { curl_getdate($0, nil) }
        return seconds < 0 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), for Last-Modified of file:// URLs; `zone: "+0000"` gives
    /// the RFC 5322 form e-mail's Date header wants.
    public static func formatHTTPDate(_ date: Date, zone: String = "GMT") -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(zone)"
    }

    /// Optional white space around a header value or one of its parts: spaces and tabs (RFC 9110 OWS).
    static func trimmingOWS(_ text: Substring) -> Substring { ASCIITrimming.trimming(text) { $0 == 0x20 || $0 == 0x09 } }

    /// Retry-After: a non-negative delay in seconds, or an HTTP-date taken relative to `now`
    /// (the server's Date header when it sent one, so clock skew does not matter).
    public static func parseRetryAfter(_ text: String, now: Date) -> TimeInterval? {
        let trimmed = String(trimmingOWS(text[...]))
        if let seconds = Int(trimmed) { return seconds >= 0 ? TimeInterval(seconds) : nil }
        guard let date = parseHTTPDate(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// The max-age directive of Cache-Control (s-maxage is for shared caches and ignored).
    public static func parseMaxAge(_ cacheControl: String) -> TimeInterval? {
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map(trimmingOWS)
            guard parts.count == 2, parts[0].lowercased() == "max-age" else { continue }
            let value = ASCIITrimming.trimming(parts[1]) { $0 == 0x22 }
            if let seconds = Int(value), seconds >= 0 { return TimeInterval(seconds) }
        }
        return nil
    }

    /// Media type and charset of a Content-Type value, both lowercased.
    public static func parseContentType(_ value: String) -> (mediaType: String?, charset: String?) {
        let parts = value.split(separator: ";").map(trimmingOWS)
        guard let first = parts.first, !first.isEmpty else { return (nil, nil) }
        var charset: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(trimmingOWS)
            if pair.count == 2, pair[0].lowercased() == "charset" {
                let cleaned = ASCIITrimming.trimming(pair[1]) { $0 == 0x22 || $0 == 0x27 }.lowercased()
                if !cleaned.isEmpty { charset = cleaned }
            }
        }
        return (first.lowercased(), charset)
    }

    /// Host key used for per-host limits: lowercased "host:port" ("file" for file:// URLs). Byte-level: it runs
    /// once per request, ten thousand times a cycle.
    public static func hostKey(of url: String) -> String {
        let bytes = Array(url.utf8)
        var schemeEnd = -1
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0x3A && bytes[index + 1] == 0x2F && bytes[index + 2] == 0x2F { schemeEnd = index; break }
            if bytes[index] == 0x2F || bytes[index] == 0x3F { break }
            index += 1
        }
        guard schemeEnd > 0 else { return url.lowercased() }
        func lower(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }
        let scheme = bytes[..<schemeEnd].map(lower)
        if scheme == Array("file".utf8) { return "file" }
        var start = schemeEnd + 3
        var end = start
        while end < bytes.count, bytes[end] != 0x2F, bytes[end] != 0x3F, bytes[end] != 0x23 {
            if bytes[end] == 0x40 { start = end + 1 }   // userinfo@
            end += 1
        }
        var authority = bytes[start..<end].map(lower)
        let hasPort: Bool
        if authority.first == 0x5B {   // [IPv6]:port
            hasPort = authority.lastIndex(of: 0x5D).map { $0 + 1 < authority.count && authority[$0 + 1] == 0x3A } ?? false
        } else {
            hasPort = authority.contains(0x3A)
        }
        if !hasPort { authority += Array((scheme == Array("https".utf8) ? ":443" : ":80").utf8) }
        return String(decoding: authority, as: UTF8.self)
    }
}
