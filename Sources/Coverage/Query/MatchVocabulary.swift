/// Every word a set of topic queries can ask about: the lowered hashes of their whole words and their prefix
/// patterns. An article tokenized for a vocabulary keeps only the tokens that one of those words or prefixes
/// could match, which is what makes matching cheap: most of an article's tokens are then hashed, looked up in
/// this small table and forgotten, with no per-article set or position list built for them.
public struct MatchVocabulary: Sendable {
    let wordHashes: UInt64Set
    /// `ASCIIWords.quickHash` of every word whose lower-cased form is ASCII: what the block scanner looks up
    /// before it spends a byte-by-byte hash on a token.
    let quickHashes: UInt64Set
    /// 1,024 bits, one per `ASCIIWords.bigram` of a token's first two bytes, set for every bigram a word or
    /// prefix of the vocabulary starts with: most ASCII tokens are dismissed by one bit test, without being
    /// measured or hashed.
    let bigrams: [UInt64]
    /// The same bits for the prefixes alone: an ASCII token is compared with the prefixes only when they allow it.
    let prefixBigrams: [UInt64]
    /// Prefixes that are ASCII as written and lower-cased, as lower-cased bytes: compared with ASCII tokens byte by
    /// byte (a token starting with the prefix as written also starts with it lower-cased, so one test covers both).
    let asciiPrefixes: [[UInt8]]
    /// Every other prefix, as written and lower-cased, compared through String (canonical equivalence included).
    let otherPrefixes: [(asWritten: String, lowered: String)]

    public init(queries: [TopicQuery]) {
        var hashes = UInt64Set()
        var quick = UInt64Set()
        var bigrams = [UInt64](repeating: 0, count: 16)
        var prefixBigrams = [UInt64](repeating: 0, count: 16)
        // A one-byte word or prefix is followed by any byte: every bigram it leads is set.
        func allow(_ lowered: [UInt8], in table: inout [UInt64]) {
            guard let first = lowered.first else { table = [UInt64](repeating: ~0, count: 16); return }
            let seconds: [UInt8] = lowered.count >= 2 ? [lowered[1]] : Array(0..<32)
            for second in seconds {
                let bigram = ASCIIWords.bigram(first, second)
                table[bigram >> 6] |= 1 << UInt64(bigram & 63)
            }
        }
        var asciiPrefixes: [[UInt8]] = []
        var otherPrefixes: [(asWritten: String, lowered: String)] = []
        for query in queries {
            for pattern in query.compiled.patterns {
                let lowered = Array(pattern.text.lowercased().utf8)
                if pattern.prefix {
                    if lowered.allSatisfy({ $0 < 0x80 }) && pattern.text.utf8.allSatisfy({ $0 < 0x80 }) {
                        asciiPrefixes.append(lowered)
                        allow(lowered, in: &bigrams)
                        allow(lowered, in: &prefixBigrams)
                    } else {
                        // Lower-casing or canonical equivalence may relate it to ASCII text: no bigram rules it out.
                        otherPrefixes.append((pattern.text, pattern.text.lowercased()))
                        allow([], in: &bigrams)
                        allow([], in: &prefixBigrams)
                    }
                } else {
                    hashes.insert(pattern.loweredHash)
                    // A word whose lower-case form is not ASCII never equals an ASCII token.
                    if lowered.allSatisfy({ $0 < 0x80 }) {
                        quick.insert(lowered.withUnsafeBufferPointer { ASCIIWords.quickHash(of: $0) })
                        allow(lowered, in: &bigrams)
                    }
                }
            }
        }
        wordHashes = hashes
        quickHashes = quick
        self.bigrams = bigrams
        self.prefixBigrams = prefixBigrams
        self.asciiPrefixes = asciiPrefixes
        self.otherPrefixes = otherPrefixes
    }

    var hasPrefixes: Bool { !asciiPrefixes.isEmpty || !otherPrefixes.isEmpty }

    /// Whether an ASCII token starting with these two bytes (the second may be the byte after a one-byte token)
    /// may start with a prefix.
    @inline(__always)
    func mayStartPrefix(_ first: UInt8, _ second: UInt8) -> Bool {
        let bigram = ASCIIWords.bigram(first, second)
        return prefixBigrams[bigram >> 6] & (1 << UInt64(bigram & 63)) != 0
    }

    /// Whether a token starts with one of the prefixes in either of the ways a prefix is compared (case-
    /// sensitively as written, or lower-cased). With the word hashes, a superset of what the queries accept.
    @inline(__always)
    func mayMatchPrefix(_ token: UnsafeBufferPointer<UInt8>, ascii: Bool) -> Bool {
        guard hasPrefixes, !token.isEmpty else { return false }
        if ascii {
            for prefix in asciiPrefixes where Self.hasLoweredPrefix(token, prefix) { return true }
            if otherPrefixes.isEmpty { return false }
        }
        let text = String(decoding: token, as: UTF8.self)
        if !ascii {
            for prefix in asciiPrefixes {
                let lowered = String(decoding: prefix, as: UTF8.self)
                if MatchableText.hasLoweredPrefix(text, lowered) || text.hasPrefix(lowered) { return true }
            }
        }
        for p in otherPrefixes where MatchableText.hasLoweredPrefix(text, p.lowered) || text.hasPrefix(p.asWritten) {
            return true
        }
        return false
    }

    /// An ASCII token lower-cased starts with `prefix` (lower-case ASCII bytes).
    @inline(__always)
    private static func hasLoweredPrefix(_ token: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard token.count >= prefix.count else { return false }
        var k = 0
        while k < prefix.count {
            let raw = token[k]
            if (raw >= 0x41 && raw <= 0x5A ? raw + 32 : raw) != prefix[k] { return false }
            k += 1
        }
        return true
    }
}
