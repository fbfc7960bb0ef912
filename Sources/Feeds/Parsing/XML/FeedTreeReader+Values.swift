import Foundation

/// FeedTreeReader's text helpers that need no tree: URL schemes and RSS person values.
extension FeedTreeReader {
    /// RFC 3986 `scheme ":"`: a letter, then letters, digits, "+", "-" or ".", then a colon.
    static func startsWithScheme(_ reference: String) -> Bool {
        var utf8 = reference.utf8.makeIterator()
        guard let first = utf8.next(), (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A else { return false }
        while let byte = utf8.next() {
            switch byte {
            case 0x3A: return true
            case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x2B, 0x2D, 0x2E: continue
            default: return false
            }
        }
        return false
    }

    static func looksLikeURL(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// "jo@example.com (Jo Bloggs)", "Jo Bloggs <jo@example.com>", "jo@example.com" or "Jo Bloggs" → the name,
    /// else the address.
    static func personName(fromRSS raw: String) -> String? {
        let bytes = Array(raw.utf8)
        guard let at = bytes.firstIndex(of: 0x40) else { return raw.isEmpty ? nil : raw }
        func isLocal(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
                || c == 0x2E || c == 0x2B
        }
        var start = at
        while start > 0, isLocal(bytes[start - 1]) { start -= 1 }
        var end = at + 1
        while end < bytes.count, isLocal(bytes[end]) && bytes[end] != 0x2B && bytes[end] != 0x5F { end += 1 }
        while end > at + 1, bytes[end - 1] == 0x2E { end -= 1 }
        guard start < at, end > at + 1 else { return raw }
        let email = String(decoding: bytes[start..<end], as: UTF8.self)
        var name = String(decoding: bytes[..<start], as: UTF8.self) + String(decoding: bytes[end...], as: UTF8.self)
        name = name.replacingOccurrences(of: "()", with: "").replacingOccurrences(of: "<>", with: "")
            .replacingOccurrences(of: "mailto:", with: "")
            .trimmedASCII
        if name.hasPrefix("(") { name.removeFirst() }
        if name.hasSuffix(")") { name.removeLast() }
        name = name.trimmedASCII
        return name.isEmpty ? email : name
    }
}
