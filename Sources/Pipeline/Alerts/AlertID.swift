/// Alert identity: deterministic for (topic, article), so a restart, a reload or another daemon sharing the store
/// derives the same id and the store's uniqueness constraint drops the repeat instead of re-alerting.
///
/// The id is ULID-shaped (26 characters of Crockford base32, first character 0–7) so receivers that validate
/// ULIDs accept it, but it is not time-ordered: it is the first 128 bits of SHA-256 over the topic name and the
/// article key, and carries no clock.
public enum AlertID {
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `articleKey` is the article's stable identity: its canonical URL when it has one, else feed URL + guid
    /// (see `ArticleKey`). Topic and key are separated by a NUL so no pair of strings collides by concatenation.
    public static func make(topic: String, articleKey: String) -> String {
        var hasher = SHA256()
        hasher.update("tidings-alert-v1")
        hasher.update([0])
        hasher.update(topic)
        hasher.update([0])
        hasher.update(articleKey)
        let digest = hasher.finalize()
        return encode128(Array(digest.prefix(16)))
    }

    /// 128 bits → 26 base32 digits; the 130-bit field has two leading zero bits, as in ULID.
    static func encode128(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 16)
        var high: UInt64 = 0, low: UInt64 = 0
        for byte in bytes[0..<8] { high = high << 8 | UInt64(byte) }
        for byte in bytes[8..<16] { low = low << 8 | UInt64(byte) }
        var characters = [UInt8](repeating: 0, count: 26)
        for position in stride(from: 25, through: 0, by: -1) {
            characters[position] = crockford[Int(low & 0x1f)]
            // Shift the 128-bit value right by 5.
            low = (low >> 5) | (high << 59)
            high >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// True for a string in the shape this type produces (and any ULID).
    public static func isWellFormed(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 26, let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "7") else { return false }
        return bytes.allSatisfy { crockford.contains($0) }
    }
}

/// The stable identity of an article across feeds, restarts and daemons.
public enum ArticleKey {
    /// The canonical link when the item has one; otherwise its guid scoped by the feed that published it.
    public static func make(canonicalURL: String?, link: String?, guid: String?, feedURL: String) -> String {
        if let canonicalURL, !canonicalURL.isEmpty { return canonicalURL }
        if let link, !link.isEmpty { return link }
        return "\(feedURL)#\(guid ?? "")"
    }
}
