import CCurl
import Foundation

/// Parsers for the response header values the fetcher records. Pure functions, tested directly.
public enum HTTPHeaderValues {
    /// Seconds since the epoch for an HTTP-date (RFC 7231 IMF-fixdate, RFC 850 and asctime forms all work:
    /// libcurl's own date parser handles them).
    public static func parseHTTPDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let seconds = trimmed.withCString { curl_getdate($0, nil) }
        return seconds < 0 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), for Last-Modified of file:// URLs.
    public static func formatHTTPDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Retry-After: a non-negative delay in seconds, or an HTTP-date taken relative to `now`
    /// (the server's Date header when it sent one, so clock skew does not matter).
    public static func parseRetryAfter(_ text: String, now: Date) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return seconds >= 0 ? TimeInterval(seconds) : nil }
        guard let date = parseHTTPDate(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// The max-age directive of Cache-Control (s-maxage is for shared caches and ignored).
    public static func parseMaxAge(_ cacheControl: String) -> TimeInterval? {
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "max-age" else { continue }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if let seconds = Int(value), seconds >= 0 { return TimeInterval(seconds) }
        }
        return nil
    }

    /// Media type and charset of a Content-Type value, both lowercased.
    public static func parseContentType(_ value: String) -> (mediaType: String?, charset: String?) {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, !first.isEmpty else { return (nil, nil) }
        var charset: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                let cleaned = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
                if !cleaned.isEmpty { charset = cleaned }
            }
        }
        return (first.lowercased(), charset)
    }

    /// Host key used for per-host limits: lowercased "host:port" ("file" for file:// URLs).
    public static func hostKey(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url.lowercased() }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        if scheme == "file" { return "file" }
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        let hasPort: Bool
        if host.hasPrefix("[") { hasPort = host.contains("]:") } else { hasPort = host.contains(":") }
        if !hasPort { host += scheme == "https" ? ":443" : ":80" }
        return host
    }
}
