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

    static func isTracking(_ rawName: UnsafeBufferPointer<UInt8>.SubSequence) -> Bool {
        if rawName.contains(UInt8(ascii: "%")),
           let decoded = String(decoding: rawName, as: UTF8.self).removingPercentEncoding {
            // Rare: a percent-encoded name is decoded first (the slow, general path); one that does not decode
            // is taken as it is, below.
            return isTrackingLowered(String(decoding: decoded.utf8.map(asciiLowered), as: UTF8.self))
        }
        // Names up to 15 bytes (nearly all) become small strings: no heap allocation for the lookup.
        let name = String(unsafeUninitializedCapacity: rawName.count) { buffer in
            var written = 0
            for byte in rawName {
                buffer[written] = asciiLowered(byte)
                written += 1
            }
            return written
        }
        return isTrackingLowered(name)
    }

    private static func isTrackingLowered(_ name: String) -> Bool {
        if trackingParameters.contains(name) { return true }
        return trackingPrefixes.contains { name.hasPrefix($0) }
    }

    @inline(__always)
    static func asciiLowered(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// Returns nil for strings that are not absolute http(s) URLs (those are not worth deduplicating on).
    public static func canonicalize(_ link: String) -> String? {
        var link = link
        return link.withUTF8 { canonicalize(bytes: $0) }
    }

    /// Works on the link's own UTF-8 storage and writes the result into one byte buffer: it runs for every
    /// stored item, and building it from many small strings (scheme, host, port, path, each parameter) was most
    /// of its cost. Every split is at an ASCII delimiter, so each piece copied stays valid UTF-8.
    private static func canonicalize(bytes: UnsafeBufferPointer<UInt8>) -> String? {
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
        // scheme "://"
        guard let colon = find(UInt8(ascii: ":"), from: start, to: end), colon + 2 < end,
              bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/")
        else { return nil }
        func schemeByte(_ offset: Int) -> UInt8 { asciiLowered(bytes[start + offset]) }
        let schemeLength = colon - start
        guard schemeLength == 4 || (schemeLength == 5 && schemeByte(4) == UInt8(ascii: "s")),
              schemeByte(0) == UInt8(ascii: "h"), schemeByte(1) == UInt8(ascii: "t"),
              schemeByte(2) == UInt8(ascii: "t"), schemeByte(3) == UInt8(ascii: "p")
        else { return nil }
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
        var port: Range<Int>?
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
            let digits = (lastColon + 1)..<authorityEnd
            guard bytes[digits].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let isDefault = bytes[digits].elementsEqual("80".utf8) || bytes[digits].elementsEqual("443".utf8)
            if !digits.isEmpty && !isDefault { port = digits }
        }
        if hostEnd > hostStart, bytes[hostEnd - 1] == UInt8(ascii: ".") { hostEnd -= 1 }
        guard hostEnd > hostStart, !bytes[hostStart..<hostEnd].contains(where: isSpace) else { return nil }

        var result: [UInt8] = []
        result.reserveCapacity(end - start + 2)
        result.append(contentsOf: "https://".utf8)
        for byte in bytes[hostStart..<hostEnd] { result.append(asciiLowered(byte)) }
        if let port {
            result.append(UInt8(ascii: ":"))
            result.append(contentsOf: bytes[port])
        }
        let queryStart = find(UInt8(ascii: "?"), from: authorityEnd, to: end)
        let pathEnd = queryStart ?? end
        if pathEnd > authorityEnd {
            result.append(contentsOf: bytes[authorityEnd..<pathEnd])
        } else {
            result.append(UInt8(ascii: "/"))
        }
        if let queryStart, queryStart + 1 < end {
            var kept: [Range<Int>] = []
            var pairStart = queryStart + 1
            while pairStart < end {
                let pairEnd = find(UInt8(ascii: "&"), from: pairStart, to: end) ?? end
                if pairEnd > pairStart {
                    let nameEnd = find(UInt8(ascii: "="), from: pairStart, to: pairEnd) ?? pairEnd
                    if !isTracking(bytes[pairStart..<nameEnd]) { kept.append(pairStart..<pairEnd) }
                }
                pairStart = pairEnd + 1
            }
            if kept.count == 1 {
                result.append(UInt8(ascii: "?"))
                result.append(contentsOf: bytes[kept[0]])
            } else if kept.count > 1 {
                // Sorted as Swift strings (Unicode order), as the canonical form has always been.
                let sorted = kept.map { String(decoding: bytes[$0], as: UTF8.self) }.sorted()
                result.append(UInt8(ascii: "?"))
                result.append(contentsOf: sorted.joined(separator: "&").utf8)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
