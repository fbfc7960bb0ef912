import Support

/// The 64-bit keys the unique dedup indexes hold for canonical URLs and content fingerprints (FNV-1a), instead of
/// the texts: random-keyed indexes are the main ingest cost at a million items, and 8-byte keys keep them small.
/// Two different stories share a key with probability about n²/2⁶⁵ (URL keys: per host, n²/2⁴⁹) — below one in a
/// million for a million stored items — and would then be taken for one.
enum DedupKey {
    static func of(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { Int64(bitPattern: StableHash.hash($0)) }
    }

    /// The top 16 bits hash the host, the rest the whole URL: one feed's items (mostly one host) land next to each
    /// other in the index, so a per-feed transaction dirties a few index pages instead of one per item.
    static func ofURL(_ canonicalURL: String) -> Int64 {
        var canonicalURL = canonicalURL
        return canonicalURL.withUTF8 { ofURL(utf8: $0) }
    }

    private static func ofURL(utf8: UnsafeBufferPointer<UInt8>) -> Int64 {
        var host = utf8[...]
        if let schemeEnd = utf8.firstIndex(of: UInt8(ascii: ":")) {
            let afterScheme = utf8[schemeEnd...].dropFirst(3)
            host = afterScheme.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") }
        }
        let hostBits = StableHash.hash(host) >> 48
        let urlBits = StableHash.hash(utf8) & 0x0000_FFFF_FFFF_FFFF
        return Int64(bitPattern: hostBits << 48 | urlBits)
    }
}

extension NewItem {
    /// The items with their dedup keys: the canonical URL of the link (`CanonicalURL`) and the fingerprint of the
    /// words (`ContentFingerprint`; one feed's items are hashed together). This is the one place the keys are
    /// computed: the store stores the keys an item carries, and an item without them is deduplicated by its entry id
    /// only. A key already set is kept.
    public static func withDedupKeys(_ items: [NewItem]) -> [NewItem] {
        var items = items
        var unfingerprinted: [Int] = []
        for index in items.indices {
            if items[index].canonicalURL == nil { items[index].canonicalURL = items[index].link.flatMap(CanonicalURL.canonicalize) }
            if items[index].fingerprint == nil { unfingerprinted.append(index) }
        }
        let fingerprints = ContentFingerprint.of(unfingerprinted.map { items[$0] })
        for (index, fingerprint) in zip(unfingerprinted, fingerprints) { items[index].fingerprint = fingerprint }
        return items
    }
}
