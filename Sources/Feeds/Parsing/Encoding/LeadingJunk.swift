/// Bytes before the XML declaration: a blank line from a template, a PHP warning, stray text.
///
/// XML allows nothing before `<?xml`, and libxml2 2.9 treats a declaration anywhere else as a fatal error
/// ("XML or text declaration not at start of entity"): the document then loses its entity references (see
/// `EntityRepair`'s `predefinedAsNumeric`) and its declared encoding, which is only looked for at the start. One
/// newline before `<?xml` is the commonest defect of real feeds. So when an XML declaration follows a short
/// prefix that holds no element (nothing a feed's root could be), the prefix is dropped before anything else reads
/// the bytes, and the feed carries a warning saying so.
enum LeadingJunk {
    /// Junk longer than this is not junk before a declaration but a different document.
    static let maximumPrefix = 4096

    /// The number of bytes to drop after `skip` (a byte-order mark's length), or nil when the document starts
    /// with its declaration, has none, or the prefix holds an element. ASCII-compatible encodings only.
    static func prefixLength(_ b: [UInt8], after skip: Int) -> Int? {
        let limit = min(b.count, skip + maximumPrefix)
        var i = skip
        while i + 5 < limit {
            if b[i] == 0x3C {
                if b[i + 1] == 0x3F, b[i + 2] == 0x78, b[i + 3] == 0x6D, b[i + 4] == 0x6C,
                   b[i + 5] == 0x20 || b[i + 5] == 0x09 || b[i + 5] == 0x0A || b[i + 5] == 0x0D {
                    return i == skip ? nil : i - skip
                }
                // A feed's root before any declaration: a later declaration is the stray part, not the prefix.
                if Self.isRootLike(b, at: i + 1) { return nil }
            }
            i += 1
        }
        return nil
    }

    /// `rss`, `feed`, `rdf:RDF`/`RDF` or `channel` at `i`: only these make a prefix more than junk (a PHP error
    /// page's `<br />` or `<b>` does not).
    private static func isRootLike(_ b: [UInt8], at i: Int) -> Bool {
        func word(_ literal: String) -> Bool {
            let bytes = Array(literal.utf8)
            guard i + bytes.count < b.count else { return false }
            for (k, byte) in bytes.enumerated() where b[i + k] | 0x20 != byte { return false }
            let after = b[i + bytes.count]
            return after == 0x20 || after == 0x3E || after == 0x09 || after == 0x0A || after == 0x0D || after == 0x2F
        }
        return word("rss") || word("feed") || word("rdf:rdf") || word("rdf") || word("channel")
    }
}
