import Foundation
import Testing
@testable import Store

/// The byte-buffer canonicaliser must give exactly what the string-building one gave: canonical URLs (and their
/// keys) already in a store would otherwise stop matching new copies of the same story.
@Suite struct CanonicalURLEquivalenceTests {
    /// The implementation before the single-buffer rewrite, kept as the reference.
    enum Reference {
        static func isTracking(_ rawName: ArraySlice<UInt8>) -> Bool {
            var bytes = Array(rawName)
            if bytes.contains(UInt8(ascii: "%")),
               let decoded = String(decoding: bytes, as: UTF8.self).removingPercentEncoding {
                bytes = Array(decoded.utf8)
            }
            for index in bytes.indices where bytes[index] >= 65 && bytes[index] <= 90 { bytes[index] += 32 }
            let name = String(decoding: bytes, as: UTF8.self)
            if CanonicalURL.trackingParameters.contains(name) { return true }
            return CanonicalURL.trackingPrefixes.contains { name.hasPrefix($0) }
        }

        /// Returns nil for strings that are not absolute http(s) URLs (those are not worth deduplicating on).
        static func canonicalize(_ link: String) -> String? {
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

    /// Links that exercise every branch: schemes, case, credentials, ports (default, other, empty, bad), IPv6,
    /// trailing dots, fragments, empty and repeated parameters, tracking names in any case or percent-encoded,
    /// several kept parameters in Unicode order, non-ASCII paths and hosts, surrounding whitespace.
    static let links: [String] = {
        let bases = [
            "https://example.org", "http://example.org/", "HTTPS://Example.ORG:443/a/b", "http://EXAMPLE.org:80",
            "https://user:pw@Example.org:8080/p", "https://example.org:/x", "https://example.org:8a/x",
            "http://[::1]:8080/v6", "https://[2001:db8::1]/v6", "https://example.org./dot", "https://./x",
            "  https://example.org/trim \n", "ftp://example.org/a", "https:/example.org", "https://", "https:// x/",
            "https://exämple.org/ünï/cödé", "https://example.org/a%20b", "https://example.org?only=query",
            "htTp://Example.org/CasePath", "https://example.org/a#frag?not=query", "mailto:someone@example.org",
            "httpx://example.org/", "https://host/path/", "https://host:0/p",
        ]
        let queries = [
            "", "?", "?&&", "?a=1", "?b=2&a=1", "?utm_source=rss&utm_medium=feed", "?UTM_Campaign=x&page=2",
            "?id=7&fbclid=abc&gclid=x&mc_cid=1&ref_src=twsrc", "?%75tm_source=x&k=v", "?%zz=1&b", "?utm_%zz=1&k=1", "?z&y&x=",
            "?q=%C3%A9&é=1&e=2", "?a=1&a=0&A=2", "?_ga=1&ga_x=2&pk_campaign=3&keep=1", "?ref_url=x&ref=y",
            "?x=1#frag", "?x=1&utm_=2&matomo_a=3&hmb_b=4", "?ÄÖ=1&ao=2&zz=3",
        ]
        var links: [String] = []
        for base in bases {
            for query in queries { links.append(base + query) }
        }
        return links
    }()

    @Test func sameCanonicalFormAsTheReference() {
        var compared = 0
        for link in Self.links {
            #expect(CanonicalURL.canonicalize(link) == Reference.canonicalize(link), "\(link)")
            compared += 1
        }
        #expect(compared == Self.links.count)
        // The set must reach both outcomes, or it tests nothing.
        #expect(Self.links.contains { Reference.canonicalize($0) == nil })
        #expect(Self.links.contains { Reference.canonicalize($0)?.contains("&") == true })
    }
}
