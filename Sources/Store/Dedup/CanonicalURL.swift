import Foundation

/// The form of a link used to recognise one story reached through different feeds: https, host lower-cased,
/// default port, credentials, fragment and tracking parameters dropped, remaining query parameters sorted.
/// Parsed by hand over UTF-8: it runs for every stored item, and Foundation's URLComponents was a fifth of ingest.
public enum CanonicalURL {
    /// Query parameters that only say how a reader arrived, never what they read.
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid", "twclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp",
        "hsctatracking", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "vero_conv", "vero_id",
        "_ga", "_gl", "ncid", "cmpid", "ocid", "sr_share", "spm", "scid", "trk", "trkcampaign", "at_medium",
        "at_campaign", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "feedtype", "rss", "ref_src", "ref_url", "guccounter", "guce_referrer", "guce_referrer_sig",
    ]

    /// Parameter name prefixes of the same kind (utm_source, utm_medium, pk_campaign, …).
    static let trackingPrefixes = ["utm_", "pk_", "mtm_", "matomo_", "hmb_", "piwik_", "_bta_", "ga_"]

    static func isTracking(_ rawName: ArraySlice<UInt8>) -> Bool {
        var bytes = Array(rawName)
        if bytes.contains(UInt8(ascii: "%")),
           let decoded = String(decoding: bytes, as: UTF8.self).removingPercentEncoding {
            bytes = Array(decoded.utf8)
        }
        for index in bytes.indices where bytes[index] >= 65 && bytes[index] <= 90 { bytes[index] += 32 }
        let name = String(decoding: bytes, as: UTF8.self)
        if trackingParameters.contains(name) { return true }
        return trackingPrefixes.contains { name.hasPrefix($0) }
    }

    /// Returns nil for strings that are not absolute http(s) URLs (those are not worth deduplicating on).
    public static func canonicalize(_ link: String) -> String? {
        let bytes = Array(link.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) }
        var start = 0, end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        func find(_ byte: UInt8, from: Int, to: Int) -> Int? {
            var index = from
            while index < to {
                if bytes[index] == byte { return index }
                index += 1
            }
            return nil
        }
        func lowered(_ range: Range<Int>) -> String {
            String(decoding: bytes[range].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        // scheme "://"
        guard let colon = find(UInt8(ascii: ":"), from: start, to: end), colon + 2 < end,
              bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/")
        else { return nil }
        let scheme = lowered(start..<colon)
        guard scheme == "http" || scheme == "https" else { return nil }
        if let hash = find(UInt8(ascii: "#"), from: colon + 3, to: end) { end = hash }
        let authorityStart = colon + 3
        var authorityEnd = authorityStart
        while authorityEnd < end, bytes[authorityEnd] != UInt8(ascii: "/"), bytes[authorityEnd] != UInt8(ascii: "?") {
            authorityEnd += 1
        }
        var hostStart = authorityStart
        var index = authorityStart
        while index < authorityEnd {
            if bytes[index] == UInt8(ascii: "@") { hostStart = index + 1 }
            index += 1
        }
        var hostEnd = authorityEnd
        var port = ""
        // A port follows the last colon, unless that colon is inside an IPv6 literal ([::1]).
        var lastColon: Int?
        index = hostStart
        while index < authorityEnd {
            if bytes[index] == UInt8(ascii: ":") { lastColon = index }
            if bytes[index] == UInt8(ascii: "]") { lastColon = nil }
            index += 1
        }
        if let lastColon {
            hostEnd = lastColon
            let digits = bytes[(lastColon + 1)..<authorityEnd]
            guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            port = String(decoding: digits, as: UTF8.self)
            if port == "80" || port == "443" { port = "" }
        }
        if hostEnd > hostStart, bytes[hostEnd - 1] == UInt8(ascii: ".") { hostEnd -= 1 }
        guard hostEnd > hostStart, !bytes[hostStart..<hostEnd].contains(where: isSpace) else { return nil }
        let host = lowered(hostStart..<hostEnd)

        let queryStart = find(UInt8(ascii: "?"), from: authorityEnd, to: end)
        let pathEnd = queryStart ?? end
        let path = pathEnd > authorityEnd ? String(decoding: bytes[authorityEnd..<pathEnd], as: UTF8.self) : "/"
        var result = "https://" + host + (port.isEmpty ? "" : ":" + port) + path
        if let queryStart, queryStart + 1 < end {
            var kept: [String] = []
            var pairStart = queryStart + 1
            while pairStart < end {
                let pairEnd = find(UInt8(ascii: "&"), from: pairStart, to: end) ?? end
                if pairEnd > pairStart {
                    let nameEnd = find(UInt8(ascii: "="), from: pairStart, to: pairEnd) ?? pairEnd
                    if !isTracking(bytes[pairStart..<nameEnd]) {
                        kept.append(String(decoding: bytes[pairStart..<pairEnd], as: UTF8.self))
                    }
                }
                pairStart = pairEnd + 1
            }
            if !kept.isEmpty { result += "?" + kept.sorted().joined(separator: "&") }
        }
        return result
    }
}
